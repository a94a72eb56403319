"""A module-level ``queue = Queue()`` runs again in spawn and forkserver children, making a new, different queue
there; under fork it does not run again (the child inherits the parent's queue).

The post's comment on its workaround (``queue = Queue()  # 子进程中会重新运行一遍``: "runs again in the child").
Why: before a spawn child unpickles its Process object, ``spawn.prepare()`` imports the parent's main script as
``__mp_main__`` (``_fixup_main_from_path``), which runs its module-level code.  A fork child is a copy of the
parent and imports nothing.  A forkserver child is forked from the forkserver process and then runs the same
``prepare()``, so it too re-runs the script.  (The forkserver is meant to preload ``__main__`` once for all its
children, ``main(..., main_path=...)`` in forkserver.py, but up to 3.13.7 it asks ``spawn.get_preparation_data()``
for a key ``main_path`` while that function names it ``init_main_from_path``; so nothing is preloaded and every
child imports the script itself.)

From 3.14 (3.14.1, and 3.13.8 by backport) gh-126631 fixed the key: ``ensure_running()`` now passes
``main_kws['main_path'] = data['init_main_from_path']``, and the fork server (default preload ``['__main__']``)
runs ``spawn.import_main_path(main_path)`` once, at its start.  So ``queue = Queue()`` runs in the fork server,
not in the child: every forkserver child inherits the *fork server's* queue (the "the forkserver process"
answer), and ``_fixup_main_from_path()`` in the child returns early because ``__main__.__file__`` already is the
script.  The child's queue still is not the parent's (nothing arrives), but the module-level line did not run
again in the child, so the claim as written no longer holds under forkserver there.

Each process records the pid that ran its module-level ``Queue()`` (two added lines).  The child then puts an
item into its module-level queue; the parent sees it only under fork.  Finally a Pool worker reports the same,
which is what the post's initargs workaround relies on (pool_initargs_queue.py).  The pool is closed and joined
so that workers exit normally.

Side effect seen on stderr (not checked, and not explained here): under forkserver on 3.7-3.13.0 and under
spawn on 3.7-3.9, the resource tracker warns at exit "There appear to be 9 leaked semaphore objects to clean up at
shutdown" (3 re-created queues × 3 semaphores each): the semaphores of the children's module-level queues were
never unlinked.  3.10-3.13 spawn print nothing, nor do 3.13.18, 3.14 and 3.15 under any method (their forkserver
children re-create no queue).  PyPy 3.9 warns under spawn and forkserver, PyPy 3.11 under forkserver, as CPython 3.9 and
3.11 do.
"""
# /// case
# claim = "The module-level queue = Queue() runs again in the child process, creating a new, different queue there."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S11"]
# timeout = 60
# # the resource tracker's leak warning (3.13) lists random semaphore names
# normalize = [['/mp-[A-Za-z0-9_]+', '/mp-<name>']]
#
# # fork: the module-level code does not run again; the child shares the parent's queue.
# [expect]
# stdout = """
# Process-1: its module-level queue was made by the parent
# Process-1: it is the queue the parent passed: True
# parent: got 'put by the child into its module-level queue'
# pool worker: its module-level queue was made by the parent
# """
# exit = 0
# holds = false
#
# [[expect.when]]
# start_method = ["spawn", "forkserver"]
# stdout = """
# Process-1: its module-level queue was made by this child
# Process-1: it is the queue the parent passed: False
# parent: nothing arrived: the child's module-level queue is another queue
# pool worker: its module-level queue was made by this child
# """
# holds = true
#
# # 3.13.18, 3.14.10 and 3.15.2 observed (3.13.0 re-runs it); the boundaries 3.13.8 and 3.14.1 are the fix's
# # releases (3.13's changelog lists gh-126631 under 3.13.8; backported to 3.13 by python/cpython#138609); 3.14.0 still re-ran the script in every child.
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.13.8,!=3.14.0"
# stdout = """
# Process-1: its module-level queue was made by the forkserver process
# Process-1: it is the queue the parent passed: False
# parent: nothing arrived: the child's module-level queue is another queue
# pool worker: its module-level queue was made by the forkserver process
# """
# holds = false
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Windows has only spawn and macOS
# # defaults to it; both re-import the main script in every child, as Linux spawn does.
# [[expect.when]]
# platform = ["win32", "darwin"]
# start_method = ["spawn"]
# stdout = """
# Process-1: its module-level queue was made by this child
# Process-1: it is the queue the parent passed: False
# parent: nothing arrived: the child's module-level queue is another queue
# pool worker: its module-level queue was made by this child
# """
# holds = true
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# start_method = ["spawn"]
# stdout = """
# Process-1: its module-level queue was made by this child
# Process-1: it is the queue the parent passed: False
# parent: nothing arrived: the child's module-level queue is another queue
# pool worker: its module-level queue was made by this child
# """
# holds = true
# ///
from multiprocessing import Pool, Process, Queue
import multiprocessing
import os
import queue as queue_module

queue = Queue()  # 子进程中会重新运行一遍 ("runs again in the child")
queue_made_by = os.getpid()  # added: which process ran the line above


def who_made_the_queue(parent_pid):
    if queue_made_by == parent_pid:
        return "the parent"
    if queue_made_by == os.getpid():
        return "this child"
    if multiprocessing.get_start_method() == "forkserver" and queue_made_by == os.getppid():
        return "the forkserver process"
    return "another process"


def child(q, parent_pid):
    name = multiprocessing.current_process().name
    print(f"{name}: its module-level queue was made by {who_made_the_queue(parent_pid)}")
    print(f"{name}: it is the queue the parent passed: {q is queue}")
    queue.put("put by the child into its module-level queue")


if __name__ == "__main__":
    p = Process(target=child, args=(queue, os.getpid()))
    p.start()
    p.join()
    try:
        print(f"parent: got {queue.get(timeout=0.5)!r}")
    except queue_module.Empty:
        print("parent: nothing arrived: the child's module-level queue is another queue")

    pool = Pool()
    print(f"pool worker: its module-level queue was made by {pool.apply(who_made_the_queue, (os.getpid(),))}")
    pool.close()
    pool.join()
