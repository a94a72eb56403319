"""The post's first example exactly as written, with no ``p.join()``: under spawn and forkserver the child never
reads the queue.

The parent returns from ``p.start()`` and reaches the end of the script at once.  At exit, multiprocessing's
atexit hook ``util._exit_function`` first runs every finalizer with ``exitpriority >= 0`` and only then joins
the non-daemonic children (multiprocessing/util.py: ``_run_finalizers(0)`` comes before the
``for p in active_children(): p.join()`` loop).  The queue's locks are POSIX named semaphores; unless the start
method is fork (``unlink_now = sys.platform == 'win32' or ... == 'fork'`` in multiprocessing/synchronize.py)
their names stay on the system until a finalizer registered with ``exitpriority=0`` unlinks them
(``SemLock._cleanup``).  So the parent unlinks the names first, then waits for a child that is still starting up;
when the child unpickles its Process object, ``SemLock._rebuild`` opens a name that is gone:
``FileNotFoundError: [Errno 2] No such file or directory``.  The child's traceback goes to the shared stderr; the
parent itself exits 0.

Under fork nothing is unpickled (the child inherits the queue), so the child reads 42 as the post says.

This is a race the parent wins by a wide margin (it has microseconds of work left; a spawned child must start an
interpreter and import this script first).  To make that margin certain on a loaded machine, the copy of this
module imported as ``__mp_main__`` sleeps 0.3 s before the child can unpickle its arguments: a spawned child
imports it in ``prepare()``, which spawn.py ``_main`` runs before loading the Process object, and so does a
forkserver child up to 3.13.7 (the server preloads nothing there, see module_level_code.py).  Remove the two
lines and the outcome is the same in every run observed here (35 of 35 per start method); with them it no longer
depends on scheduling.

From 3.14 (3.14.1, 3.13.8) the fork server preloads the main module (gh-126631): the sleep then runs once, in the
server, while the parent's ``p.start()`` waits for it (``connect_to_new_process()`` blocks until the server
answers), and the forked child imports nothing, so the sleep no longer widens the margin there.  The parent
still wins: after the server sends it the child's pid it has only ``_exit_function`` left, while the child
first resets signals, closes the server's descriptors and loads the preparation data.  Observed on 3.14.10 and
3.15.2 under forkserver: FileNotFoundError in 25 of 25 direct runs each and in 10 of 10 repeated harness runs
each, while other helpers loaded the machine.
"""
# /// case
# claim = "A multiprocessing.Queue passed in Process(target=func, args=(q,)) works even when the parent does not join the child: the child reads 42 and prints 'I am Process-1, result is 42'."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S1"]
# timeout = 60
#
# [expect]
# stdout = """
# I am Process-1, result is 42
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn", "forkserver"]
# stdout = ""
# stderr = """
# Traceback (most recent call last):
# ...
# FileNotFoundError: [Errno 2] No such file or directory
# """
# exception = "FileNotFoundError: [Errno 2] No such file or directory"
# exit = 0
# holds = false
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  On Windows (spawn only) semaphores are
# # unlinked at once and handles are duplicated into the child, so nothing is cleaned up early: the post's author saw
# # the child print.  macOS uses POSIX named semaphores like Linux, so under spawn (its default since 3.8) the Linux
# # spawn outcome is expected.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# I am Process-1, result is 42
# """
# stderr = ""
# exit = 0
# holds = true
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# I am Process-1, result is 42
# """
# stderr = ""
# exit = 0
# holds = true
# ///
from multiprocessing import Queue, Process
import multiprocessing

if __name__ == "__mp_main__":  # only in a spawn/forkserver child, while it prepares: see the docstring
    import time; time.sleep(0.3)


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


if __name__ == "__main__":
    q = Queue()
    q.put(42)
    p = Process(target=func, args=(q,))
    p.start()
