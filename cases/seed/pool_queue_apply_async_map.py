"""Where passing a multiprocessing.Queue to a Pool fails, for apply, apply_async and map, and whether the pool
survives.

The post explains (correctly) that ``map``, ``apply`` and ``apply_async`` put tasks on an internal queue and that
an internal thread pickles them for the workers.  That thread is the pool's task handler
(``Pool._handle_tasks`` in multiprocessing/pool.py).  When ``put(task)`` fails there, the handler does not die:
it catches the exception and stores it as the job's result (``cache[job]._set(idx, (False, e))``).  Hence:

- ``apply_async`` itself never raises: it only queues the task and returns an ``ApplyResult``.  Shortly after,
  the task-handler thread fails to pickle the queue and marks the result as failed; the ``error_callback`` runs
  in that thread; ``.get()`` re-raises the RuntimeError in the caller.
- ``apply`` is ``apply_async(...).get()``, so it raises at once in the caller; ``map`` likewise raises
  (``map_async(...).get()``).
- The traceback ends in ``_handle_tasks`` → ``Connection.send`` → ``_ForkingPickler.dumps`` →
  ``Queue.__getstate__`` → ``context.assert_spawning``: the failure happens in the parent, before anything is
  sent; no worker ever runs ``func`` (its line ``I am ...`` never appears).
- The pool is unharmed and runs the next tasks.

PyPy 3.9 has no C ``_pickle`` module (``import _pickle`` fails; pickle.py falls back to its pure-Python
``_Pickler``), so the pickler's own frames appear between ``dumps`` and ``__getstate__``: ``dump``, then one
``save``/``save_tuple`` pair per level of tuple nesting around the queue (the task tuple and its argument tuple;
``map`` nests two levels more: its chunk of (function, args) tuples).  PyPy 3.11 has a built-in ``_pickle`` and
shows the CPython frames.  The exception and the pool's behaviour are the same.
"""
# /// case
# claim = "Pool.map, apply and apply_async hand tasks to an internal thread that pickles the arguments, so passing a multiprocessing.Queue fails there for all three: apply and map raise in the caller, apply_async raises only at .get(), and the pool keeps working."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S6"]
# timeout = 60
#
# [expect]
# stdout = """
# apply: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# apply: raised from ['_handle_tasks', 'send', 'dumps', '__getstate__', 'assert_spawning']
# apply_async: returned ApplyResult without raising
# apply_async: ready True, successful False
# apply_async: error_callback ran in the pool's task-handler thread: True
# apply_async: .get() raised RuntimeError: Queue objects should only be shared between processes through inheritance
# apply_async: raised from ['_handle_tasks', 'send', 'dumps', '__getstate__', 'assert_spawning']
# map: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# map: raised from ['_handle_tasks', 'send', 'dumps', '__getstate__', 'assert_spawning']
# pool still works: map(double, [1, 2, 3]) == [2, 4, 6]
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# stdout = """
# apply: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# apply: raised from ['_handle_tasks', 'send', 'dumps', 'dump', 'save', 'save_tuple', 'save', 'save_tuple', 'save', '__getstate__', 'assert_spawning']
# apply_async: returned ApplyResult without raising
# apply_async: ready True, successful False
# apply_async: error_callback ran in the pool's task-handler thread: True
# apply_async: .get() raised RuntimeError: Queue objects should only be shared between processes through inheritance
# apply_async: raised from ['_handle_tasks', 'send', 'dumps', 'dump', 'save', 'save_tuple', 'save', 'save_tuple', 'save', '__getstate__', 'assert_spawning']
# map: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# map: raised from ['_handle_tasks', 'send', 'dumps', 'dump', 'save', 'save_tuple', 'save', 'save_tuple', 'save', 'save_tuple', 'save', 'save_tuple', 'save', '__getstate__', 'assert_spawning']
# pool still works: map(double, [1, 2, 3]) == [2, 4, 6]
# """
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Pool's task handler is the same code
# # on every OS, so the same output is expected on Windows and macOS.
# [[expect.when]]
# platform = ["win32", "darwin"]
# stdout = """
# apply: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# ...
# pool still works: map(double, [1, 2, 3]) == [2, 4, 6]
# """
# stderr = ""
# exit = 0
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# apply: raised RuntimeError: Queue objects should only be shared between processes through inheritance
# ...
# pool still works: map(double, [1, 2, 3]) == [2, 4, 6]
# """
# stderr = ""
# exit = 0
# ///
from multiprocessing import Queue, Pool
import multiprocessing
import threading
import traceback


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


def double(x):
    return 2 * x


def report(label, e):
    print(f"{label}raised {type(e).__name__}: {e}")
    names = [frame.name for frame in traceback.extract_tb(e.__traceback__)]
    print(f"{label.split(':')[0]}: raised from {names[names.index('_handle_tasks'):]}")


if __name__ == "__main__":
    q = Queue()
    q.put(42)
    pool = Pool()

    try:
        pool.apply(func, args=(q,))
    except RuntimeError as e:
        report("apply: ", e)

    error_seen_in = []
    r = pool.apply_async(func, args=(q,),
                         error_callback=lambda e: error_seen_in.append(threading.current_thread()))
    print(f"apply_async: returned {type(r).__name__} without raising")
    r.wait(5)
    print(f"apply_async: ready {r.ready()}, successful {r.successful()}")
    print(f"apply_async: error_callback ran in the pool's task-handler thread: "
          f"{error_seen_in == [pool._task_handler]}")
    try:
        r.get()
    except RuntimeError as e:
        report("apply_async: .get() ", e)

    try:
        pool.map(func, [q])
    except RuntimeError as e:
        report("map: ", e)

    print(f"pool still works: map(double, [1, 2, 3]) == {pool.map(double, [1, 2, 3])}")
    pool.close()
    pool.join()
