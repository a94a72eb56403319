# /// case
# claim = "A respawn storm of processes that leave the cell's session is ended, whatever ends the harness."
# source = "tests/data/hostile"
# ids = ["H8"]
# timeout = 60
# ///
# Every child calls setsid(), ignores SIGTERM and forks a grandchild that sleeps; the main process keeps forking.
# Bounded (at most ~3000 forks) so that a broken harness cannot exhaust the machine.
import os
import signal
import sys
import time

if sys.platform == "win32":
    sys.exit(77)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("storm started", flush=True)
for _ in range(3000):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(3600)
        os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    time.sleep(0.005)
time.sleep(3600)
