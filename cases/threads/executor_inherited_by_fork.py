"""A ThreadPoolExecutor whose worker has gone idle, inherited by a fork child, never runs a task submitted in the
child: the worker thread was not copied, but the executor's count of idle workers was, so ``submit()`` starts no
thread (3.8+).  Under spawn and forkserver the child imports the module and builds its own executor, which works.

3.8 ``Lib/concurrent/futures/thread.py``, ``_adjust_thread_count``: ``if self._idle_semaphore.acquire(timeout=0):
return`` (a worker releases ``_idle_semaphore`` each time it finishes a task); 3.7 has no idle semaphore and
starts a thread ``if num_threads < self._max_workers`` (the dead thread counts), so with ``max_workers=2`` the
child starts a new one.  The parent waits until its worker has released the semaphore (a bounded poll); the child
waits 10 s for its task: under fork nothing will ever run it.  This is the "deadlocks in the child" of
``os.fork``'s 3.12 note.
"""
# /// case
# claim = "fork() in a process with threads can deadlock the child: a ThreadPoolExecutor inherited with an idle worker never runs a task submitted in the fork child."
# source = "https://docs.python.org/3.14/library/os.html#os.fork"
# ids = ["T90"]
# timeout = 90
#
# [expect]
# exit = 0
# stdout = """
# in the parent: 32
# the task submitted in the child returned 1024
# child exit code: 0
# """
# stderr = ""
#
# [[expect.when]]
# start_method = ["fork"]
# python = ">=3.8"
# stdout = """
# in the parent: 32
# the task submitted in the child never ran (waited 10 s)
# child exit code: 0
# """
#
# # 3.7 fork: no idle semaphore, the child starts a worker of its own and the task runs: no deadlock there.
# [[expect.when]]
# start_method = ["fork"]
# python = "<3.8"
# holds = false
# ///
import concurrent.futures
import multiprocessing
import time
import warnings

executor = concurrent.futures.ThreadPoolExecutor(max_workers=2)


def in_child(q):
    future = executor.submit(pow, 2, 10)
    try:
        q.put(f"the task submitted in the child returned {future.result(timeout=10)}")
    except concurrent.futures.TimeoutError:
        q.put("the task submitted in the child never ran (waited 10 s)")


def wait_until_idle():
    semaphore = getattr(executor, "_idle_semaphore", None)
    deadline = time.monotonic() + 30
    while semaphore is not None and semaphore._value == 0 and time.monotonic() < deadline:
        time.sleep(0.001)


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)  # the 3.12 fork-with-threads warning (fork_thread_warning)
    print(f"in the parent: {executor.submit(pow, 2, 5).result()}")
    wait_until_idle()
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=in_child, args=(q,))
    p.start()
    print(q.get(timeout=60))
    p.join(timeout=60)
    print(f"child exit code: {p.exitcode}")
