"""Terminating a process that holds a lock leaves the lock held for good; terminating one that uses no shared
resource harms nothing.

Part 1 (D36): the child takes a shared Lock, sets an Event and waits; the parent waits for the Event, then
``terminate()``s it (SIGTERM: the ``with`` block never exits, nothing releases the semaphore).  The parent then
cannot take the lock: ``acquire(timeout=1)`` returns False, and would for ever (no process owns it any more).
Part 2 (D37): a child that only waits on a pipe (a resource of its own) is terminated: exit code -15 and the
parent's queue, lock and another child work as before.
"""
# /// case
# claim = "Terminating a process while it uses a shared resource (here a lock) can leave the resource unavailable to other processes; terminating one that uses none is harmless."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D36", "D37"]
# timeout = 60
#
# [expect]
# stdout = """
# terminated while holding the lock: exit code -15
# the parent can take the lock afterwards: False
# terminated a child using no shared resource: exit code -15
# queue and a new child still work: True
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing


def hold(lock, holding, never):
    with lock:
        holding.set()
        never.wait()


def idle(conn):
    conn.recv()


def echo(q):
    q.put(q.get())


if __name__ == "__main__":
    lock, holding, never = multiprocessing.Lock(), multiprocessing.Event(), multiprocessing.Event()
    p = multiprocessing.Process(target=hold, args=(lock, holding, never))
    p.start()
    holding.wait(60)
    p.terminate()
    p.join()
    print(f"terminated while holding the lock: exit code {p.exitcode}")
    print(f"the parent can take the lock afterwards: {lock.acquire(timeout=1)}")

    mine, theirs = multiprocessing.Pipe()
    p = multiprocessing.Process(target=idle, args=(theirs,))
    p.start()
    p.terminate()
    p.join()
    print(f"terminated a child using no shared resource: exit code {p.exitcode}")
    q = multiprocessing.Queue()
    c = multiprocessing.Process(target=echo, args=(q,))
    c.start()
    q.put("ping")
    c.join()
    print(f"queue and a new child still work: {q.get(timeout=60) == 'ping'}")
