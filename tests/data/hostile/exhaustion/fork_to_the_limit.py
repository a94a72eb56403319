# /// case
# claim = "A cell that forks until the system refuses is judged on what it did, and so are the cells beside it."
# source = "tests/data/hostile"
# ids = ["H18"]
# timeout = 60
# platforms = ["linux"]
#
# [expect]
# stdout = """
# fork refused: EAGAIN
# released [..] processes
# refused [..] times
# """
# ///
# Run only under a pids cgroup limit (tests/test_hostile.py makes one): without one it refuses to start forking, so
# that it never takes a whole machine's processes. While it holds every process the limit allows (1.5 s after it
# writes `full` beside this file, for wait_for_the_bomb.py, and taking again at once whatever another cell frees),
# the keeper server cannot fork a keeper for the next cell, nor the harness start a thread: they wait for room.
import errno
import os
import signal
import sys
import time

with open("/proc/self/cgroup") as f:
    group = [line.split(":", 2)[2].strip() for line in f if line.split(":", 2)[1] == "pids"]
limit = "max"
if group:
    try:
        with open(f"/sys/fs/cgroup/pids{group[0]}/pids.max") as f:
            limit = f.read().strip()
    except OSError:
        pass
if limit == "max" or int(limit) > 500:
    sys.exit("no pids limit of 500 or fewer: not forking")
def fork():
    """A child that sleeps (its pid), or None when the limit refuses."""
    try:
        pid = os.fork()
    except OSError as exc:
        if exc.errno != errno.EAGAIN:
            raise
        return None
    if pid == 0:
        time.sleep(3600)
        os._exit(0)
    return pid


children = []
while True:
    pid = fork()
    if pid is None:
        break
    children.append(pid)
refused = 1
print("fork refused: EAGAIN", flush=True)
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "full"), "w").close()
held = time.monotonic() + 1.5
while time.monotonic() < held:  # every process another cell's helpers free is taken again at once
    pid = fork()
    if pid is None:
        refused += 1
        time.sleep(0.001)
    else:
        children.append(pid)
for pid in children:
    os.kill(pid, signal.SIGKILL)
for pid in children:
    os.waitpid(pid, 0)
print("released", len(children), "processes")
print("refused", refused, "times")
