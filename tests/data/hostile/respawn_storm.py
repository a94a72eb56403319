# /// case
# claim = "A process that keeps forking children that leave its process group and ignore SIGTERM is still ended."
# source = "tests/data/hostile"
# ids = ["H2"]
# timeout = 2
#
# [expect]
# stdout = "never"
# ///
# Every child moves to a process group of its own, ignores SIGTERM, forks a grandchild that sleeps and exits, so
# orphans pile up outside the main process group while the main process keeps forking until it is killed.
# Bounded (at most ~2000 forks) so that a broken harness cannot exhaust the machine.
import os
import signal
import sys
import time

if sys.platform == "win32":
    sys.exit(77)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
for _ in range(2000):
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        if os.fork() == 0:
            time.sleep(3600)
        os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    time.sleep(0.001)
time.sleep(3600)
