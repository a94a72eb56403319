"""A multiprocessing.Queue passed as an argument to Pool.apply raises RuntimeError in the parent.

The post's second example, unchanged.  ``pool.apply(func, args)`` is ``apply_async(func, args).get()``: the task
``(job, i, func, args, kwds)`` goes on the pool's internal ``_taskqueue``; the pool's task-handler thread takes
it and writes it to the workers' inqueue (``_handle_tasks`` → ``put(task)`` in multiprocessing/pool.py), which
pickles it with ``_ForkingPickler``.  Pickling the queue calls ``Queue.__getstate__`` →
``context.assert_spawning(self)``, which raises because this thread is not spawning a process
(``get_spawning_popen()`` is None).  ``_handle_tasks`` catches the exception and stores it as the job's result
(``cache[job]._set(idx, (False, e))``), so ``.get()`` re-raises it in the main thread.  The worker never sees the
task.

The same happens under every start method, fork included: Pool arguments are always pickled, because pool
workers already exist when a task is submitted (contrast process_queue_argument.py, where the child is created
*with* its arguments).  See pool_queue_apply_async_map.py for apply_async and map.
"""
# /// case
# claim = "A multiprocessing.Queue passed to Pool().apply(func, args=(q,)) raises RuntimeError: Queue objects should only be shared between processes through inheritance."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S2"]
# timeout = 60
#
# [expect]
# stdout = ""
# stderr = """
# Traceback (most recent call last):
# ...
# RuntimeError: Queue objects should only be shared between processes through inheritance
# """
# exception = "RuntimeError: Queue objects should only be shared between processes through inheritance"
# exit = 1
#
# # Predicted for Windows and macOS, not observed: [expect] as it stands, written from the CPython source.  The check does not depend on the OS
# # (context.assert_spawning is the same code on Windows and macOS), so the same error is expected there.
# ///
from multiprocessing import Queue, Process, Pool
import multiprocessing


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


if __name__ == "__main__":
    q = Queue()
    q.put(42)
    pool = Pool()
    pool.apply(func, args=(q,))
