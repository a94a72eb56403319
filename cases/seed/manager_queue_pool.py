"""A Manager().Queue() proxy can be passed to Pool.apply: the worker reads 42.

The post's Manager example, unchanged.  ``m.Queue()`` returns a proxy (``AutoProxy[Queue]``): a small object
holding the manager's address and the id of the real ``queue.Queue`` that lives in the manager's server
process.  Unlike a multiprocessing.Queue it pickles anywhere (``BaseProxy.__reduce__`` →
``RebuildProxy``, multiprocessing/managers.py), so the pool's task-handler thread can send it; in the worker
it is rebuilt and connects to the manager, whose ``get()`` returns 42.

The worker's name shows how it was started: ``ForkPoolWorker-N`` under fork, ``SpawnPoolWorker-N`` under spawn
(as in the post, written on Windows), ``ForkServerPoolWorker-N`` under forkserver (pool.py names workers after
the context's ``Process`` class).  Neither the pool nor the manager is closed, as in the post: at exit,
multiprocessing's atexit hook terminates the pool and shuts the manager down.
"""
# /// case
# claim = "A Manager().Queue() proxy can be passed to Pool.apply; the worker reads 42 and its name (SpawnPoolWorker-N in the post) depends on the start method."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S7"]
# timeout = 60
#
# [expect]
# stdout = """
# I am ForkPoolWorker-N, result is 42
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn"]
# stdout = """
# I am SpawnPoolWorker-N, result is 42
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# I am ForkServerPoolWorker-N, result is 42
# """
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Windows has only spawn and the post's
# # author saw exactly this line there; macOS under spawn is expected to print the same.
# [[expect.when]]
# platform = ["win32", "darwin"]
# start_method = ["spawn"]
# stdout = """
# I am SpawnPoolWorker-N, result is 42
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# start_method = ["spawn"]
# stdout = """
# I am SpawnPoolWorker-N, result is 42
# """
# ///
from multiprocessing import Pool, Manager
import multiprocessing


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


if __name__ == "__main__":
    m = Manager()
    q = m.Queue()
    q.put(42)
    pool = Pool()
    pool.apply(func, args=(q,))
