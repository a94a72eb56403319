"""Forking a process that runs threads: a lock held by another thread at the moment of the fork is held for
ever in the child.

A helper thread takes a module-level ``threading.Lock`` and keeps it until the child has finished; the main
thread starts the child only once the lock is taken (an Event, no timing).  ``os.fork()`` copies the memory of
the whole process but only the calling thread: the child's copy of the lock is locked and no thread of the child
will ever release it, so ``acquire(timeout=1)`` returns False there.  Under spawn and forkserver the child is not
a copy: it imports the module afresh and gets a new, free lock.

CPython 3.12+ also warns when it detects threads at ``os.fork()`` (a ``DeprecationWarning``); the warning is
raised inside ``multiprocessing/popen_fork.py``, where the default filters hide DeprecationWarning, so nothing
is printed.
"""
# /// case
# claim = "Forking a multithreaded process is problematic: a lock held by another thread at fork time stays held for ever in the fork child; spawn and forkserver children are not affected."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-start-method-fork"
# ids = ["D8"]
# timeout = 30
#
# [expect]
# stdout = """
# the child could take the lock: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# the child could take the lock: False
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import threading

LOCK = threading.Lock()


def hold_lock(taken, release):
    with LOCK:
        taken.set()
        release.wait()


def try_lock(q):
    got = LOCK.acquire(timeout=1)
    q.put(got)


if __name__ == "__main__":
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(taken, release))
    holder.start()
    taken.wait()
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=try_lock, args=(q,))
    p.start()
    print(f"the child could take the lock: {q.get(timeout=60)}")
    p.join()
    release.set()
    holder.join()
