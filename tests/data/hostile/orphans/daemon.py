# /// case
# claim = "A process that double-forks and calls setsid() is still a process of the cell: found, and ended."
# source = "tests/data/hostile"
# ids = ["H7"]
# timeout = 60
# ///
# The grandchild leaves the cell's session and process group and is orphaned at once (its parent exits), as a
# daemon does; then it runs a command line that names neither the case nor the harness.
import os
import sys
import time

if sys.platform == "win32":
    sys.exit(77)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(3600)  # mpmatrix-orphan-daemon"])
    os._exit(0)
os.wait()
print("daemon started", flush=True)
time.sleep(3600)
