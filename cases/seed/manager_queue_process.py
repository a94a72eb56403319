"""A Manager().Queue() proxy works with Process as well as with Pool.

The post's Manager example, run once with ``Process`` and once with ``Pool.apply`` on the same manager queue,
which holds two items.  With Process the proxy is pickled while spawning (spawn, forkserver) or inherited
(fork: ``BaseProxy`` registers an after-fork hook that drops the parent's connection so that the child opens its
own); with Pool it is always pickled by the task-handler thread.  Either way it is only a token naming the
queue in the manager's server process, so it needs no special treatment (contrast pool_queue_argument.py).

The child is ``Process-2``, not ``Process-1``: ``Manager()`` started the manager's server process first, and it
took the first number of the parent's process counter (it is named ``SyncManager-1``).
"""
# /// case
# claim = "Queues created by a Manager work with both Pool and Process."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S9"]
# timeout = 60
#
# [expect]
# stdout = """
# I am Process-2, result is 42
# I am ForkPoolWorker-N, result is 43
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn"]
# stdout = """
# I am Process-2, result is 42
# I am SpawnPoolWorker-N, result is 43
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# I am Process-2, result is 42
# I am ForkServerPoolWorker-N, result is 43
# """
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Manager proxies work the same way on
# # every OS; Windows and macOS under spawn are expected to match Linux spawn.
# [[expect.when]]
# platform = ["win32", "darwin"]
# start_method = ["spawn"]
# stdout = """
# I am Process-2, result is 42
# I am SpawnPoolWorker-N, result is 43
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# start_method = ["spawn"]
# stdout = """
# I am Process-2, result is 42
# I am SpawnPoolWorker-N, result is 43
# """
# ///
from multiprocessing import Pool, Manager, Process
import multiprocessing


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


if __name__ == "__main__":
    m = Manager()
    q = m.Queue()
    q.put(42)
    q.put(43)
    p = Process(target=func, args=(q,))
    p.start()
    p.join()
    pool = Pool()
    pool.apply(func, args=(q,))
