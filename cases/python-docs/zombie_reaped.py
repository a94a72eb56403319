"""Starting a new process, calling ``active_children()`` or calling ``is_alive()`` joins the finished children
not yet joined.

For each of the three calls, the case starts a child that exits at once, waits until it has exited (its
sentinel is readable, then ``/proc`` shows ``Z`` or no pid: see zombie_unjoined), then makes the call and looks
at the child's pid again.

* fork and spawn: the finished child is a zombie until the call, and gone after it.  ``BaseProcess.start()`` and
  ``active_children()`` run ``_cleanup()``, which polls every child in ``_children`` (``Popen.poll`` ->
  ``os.waitpid(pid, WNOHANG)``); ``is_alive()`` polls its own process.
* forkserver: the fork server has already reaped the child (see zombie_unjoined), so the pid is gone before the
  call; the call still records the exit (``p.exitcode`` is 0 afterwards).
"""
# /// case
# claim = "Starting a new process, calling active_children(), or calling is_alive() on a finished process joins the finished processes not yet joined."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D30", "D31", "D32"]
# timeout = 120
# platforms = ["linux"]
#
# [expect]
# stdout = """
# start(): finished child before: a zombie, after: gone, exit code recorded: 0
# active_children(): finished child before: a zombie, after: gone, exit code recorded: 0
# is_alive(): finished child before: a zombie, after: gone, exit code recorded: 0
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# start(): finished child before: gone, after: gone, exit code recorded: 0
# active_children(): finished child before: gone, after: gone, exit code recorded: 0
# is_alive(): finished child before: gone, after: gone, exit code recorded: 0
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import multiprocessing.connection
import time


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def describe(s):
    return {"Z": "a zombie", "gone": "gone"}.get(s, f"running ({s})")


def nothing():
    pass


def finished_child():
    p = multiprocessing.Process(target=nothing)
    p.start()
    multiprocessing.connection.wait([p.sentinel], timeout=60)  # readable once the child has exited (not a join)
    deadline = time.monotonic() + 60
    while state(p.pid) not in ("Z", "gone") and time.monotonic() < deadline:
        time.sleep(0.01)
    return p


if __name__ == "__main__":
    others = []

    def start_another():
        other = multiprocessing.Process(target=nothing)
        other.start()
        others.append(other)

    for name, call in [("start()", start_another), ("active_children()", multiprocessing.active_children),
                       ("is_alive()", None)]:
        p = finished_child()
        before = state(p.pid)
        if call is None:
            p.is_alive()
        else:
            call()
        after = state(p.pid)
        recorded = p._popen.returncode  # read without polling again: what the call itself recorded
        print(f"{name}: finished child before: {describe(before)}, after: {describe(after)}, exit code recorded: {recorded}")
        p.join()
    for other in others:
        other.join()
