"""A finished child that nobody joined is a zombie of the program, except under forkserver, where the fork
server reaps it.

The child exits at once; the parent waits until the child's sentinel is readable (under fork and spawn the
child's end of the pipe closes as it exits; under forkserver the server writes the exit status there once it has
reaped the child), then polls ``/proc/<pid>/stat`` (up to a generous 60 s, no fixed sleep) until the state is
``Z`` or the pid is gone.  Nothing of multiprocessing that would reap it (``join``, ``is_alive``,
``active_children``, ``start``) is called; ``connection.wait`` on the sentinel only selects on a descriptor.

* fork and spawn: the child is the program's own child; nothing waits for it, so it stays a zombie (``Z``) until
  joined.  Then ``join()`` reaps it.
* forkserver: the child is a child of the fork server, whose loop reaps every child as soon as it exits
  (``forkserver.py``: ``os.waitpid(-1, os.WNOHANG)`` on SIGCHLD, and it sends the exit status to the program).
  The pid disappears without any join: the program never has a zombie, and the claim does not hold there.  (It
  is a zombie of the server for the moment between its exit and the server's ``waitpid``: a first version of
  this case that polled ``/proc`` without waiting on the sentinel saw ``Z`` there in 2 of 11 forkserver cells.)
"""
# /// case
# claim = "On POSIX a process that has finished but has not been joined becomes a zombie."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D29"]
# timeout = 90
# platforms = ["linux"]
#
# [expect]
# stdout = """
# the finished, unjoined child is: a zombie
# after join(): gone
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# the finished, unjoined child is: gone
# after join(): gone
# """
# stderr = ""
# exit = 0
# holds = false
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


def nothing():
    pass


def describe(s):
    return {"Z": "a zombie", "gone": "gone"}.get(s, f"running ({s})")


if __name__ == "__main__":
    p = multiprocessing.Process(target=nothing)
    p.start()
    multiprocessing.connection.wait([p.sentinel], timeout=60)  # readable once the child has exited (not a join)
    deadline = time.monotonic() + 60
    while state(p.pid) not in ("Z", "gone") and time.monotonic() < deadline:
        time.sleep(0.01)
    print(f"the finished, unjoined child is: {describe(state(p.pid))}")
    pid = p.pid
    p.join()
    print(f"after join(): {describe(state(pid))}")
