"""spawn and forkserver start a resource tracker; it unlinks what a killed process left behind once every
process of the program has exited.

Part 1 (D16): the program starts one child that creates nothing (no queue, no lock: those could start the
tracker themselves), joins it, and lists its own child processes that run the tracker (``/proc``; the tracker is
``resource_tracker`` from 3.8, ``semaphore_tracker`` in 3.7).  ``popen_spawn_posix.Popen._launch`` calls
``resource_tracker.getfd()``, which starts it; ``popen_fork`` does not.  Under forkserver the tracker is started
by ``ForkServer.ensure_running()`` (which passes its fd to the server).

Part 2 (D17, 3.8+: ``multiprocessing.shared_memory`` is new in 3.8; the 3.7 cells print only part 1): a program
run with ``python`` (so that the case sees it end) starts a child that creates a ``SharedMemory`` segment and
is then killed with SIGKILL before it can unlink it.  The program exits.  The tracker holds the program's stderr
open (``ensure_running`` passes ``sys.stderr.fileno()`` to it), so the case, reading that stderr to its end,
has waited for the tracker too.  Then the case looks for the segment in ``/dev/shm`` and for the tracker's
warning about leaked objects.  Under fork the segment is cleaned as well: ``SharedMemory`` registers with the
tracker whatever the start method (``shared_memory.py``: ``resource_tracker.register(self._name,
"shared_memory")``), so the killed fork child started a tracker of its own.
"""
# /// case
# claim = "On POSIX spawn and forkserver start a resource tracker process; once all processes have exited it unlinks the named resources still tracked, e.g. the shared memory of a child killed by a signal."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D16", "D17"]
# timeout = 40
# platforms = ["linux"]
#
# [expect]
# stdout = """
# a resource tracker runs after starting a child: True
# the killed child's shared memory exists after the program exits: False
# the tracker warned about leaked shared_memory: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# a resource tracker runs after starting a child: False
# the killed child's shared memory exists after the program exits: False
# the tracker warned about leaked shared_memory: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# a resource tracker runs after starting a child: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.8"
# start_method = ["fork"]
# stdout = """
# a resource tracker runs after starting a child: False
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import subprocess
import sys

LEAKER = r'''
import multiprocessing, os, signal, sys
from multiprocessing import shared_memory

def create(q, stop):
    shm = shared_memory.SharedMemory(create=True, size=4096)
    q.put(shm.name)
    stop.wait()

if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    q, stop = multiprocessing.Queue(), multiprocessing.Event()
    p = multiprocessing.Process(target=create, args=(q, stop))
    p.start()
    print(q.get(timeout=60))
    os.kill(p.pid, signal.SIGKILL)
    p.join()
'''


def nothing():
    pass


def trackers():
    found = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        found += ppid == os.getpid() and (b"resource_tracker" in cmdline or b"semaphore_tracker" in cmdline)
    return found


if __name__ == "__main__":
    p = multiprocessing.Process(target=nothing)
    p.start()
    p.join()
    print(f"a resource tracker runs after starting a child: {trackers() > 0}")
    if sys.version_info >= (3, 8):
        program = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"leaker_{os.getpid()}.py")
        with open(program, "w") as f:
            f.write(LEAKER)
        try:
            done = subprocess.run(
                [sys.executable, program, multiprocessing.get_start_method()],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
            )
        finally:
            os.unlink(program)
        name = done.stdout.strip().lstrip("/")
        print(f"the killed child's shared memory exists after the program exits: {os.path.exists('/dev/shm/' + name)}")
        print(f"the tracker warned about leaked shared_memory: {'leaked shared_memory' in done.stderr}")
