# /// case
# claim = "A cell runs as `python case.py` from a shell: a process-group leader, not a session leader, and a signal it sends its parent ends nothing."
# source = "tests/data/hostile"
# ids = ["H10"]
# timeout = 10
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# process-group leader: True
# session leader: False
# os.setpgid(0, 0): ok
# os.setsid(): PermissionError
# signalled its parent and its parent's group: still running
# """
# ///
# From an interactive shell, `python case.py` is the leader of its job's process group, in the shell's session:
# setpgid(0, 0) is a no-op and setsid() fails with EPERM. The shell ignores SIGTERM and SIGINT sent to it.
import os
import signal
import time

print("process-group leader:", os.getpgid(0) == os.getpid())
print("session leader:", os.getsid(0) == os.getpid())
os.setpgid(0, 0)
print("os.setpgid(0, 0): ok")
try:
    os.setsid()
    print("os.setsid(): ok")
except OSError as exc:
    print("os.setsid():", type(exc).__name__)
os.kill(os.getppid(), signal.SIGTERM)
os.kill(os.getppid(), signal.SIGINT)
os.killpg(os.getpgid(os.getppid()), signal.SIGTERM)
time.sleep(0.5)
print("signalled its parent and its parent's group: still running")
