"""The initargs workaround: a module-level multiprocessing.Queue handed to Pool(initializer=..., initargs=(queue,))
reaches every worker, which reads 42.  How it gets there depends on the start method.

The post's code, with a few added lines that record facts (marked "added").  The author asks how the parent's
queue can travel through ``initargs`` when ``apply`` arguments cannot.  Answer: ``initargs`` are not task
arguments; they are arguments of the worker *process* (``Pool._repopulate_pool_static`` creates each worker as
``Process(target=worker, args=(inqueue, outqueue, initializer, initargs, ...))``), so they travel the way a
Process's arguments do, at the one moment a multiprocessing.Queue may be passed:

- fork: not pickled at all.  The worker is a forked copy of the parent and inherits the Process object with
  its ``initargs``, which is the very queue its module-level ``queue`` name already holds (the module is not
  re-run).  The parent's ``Queue.__getstate__`` is never called.
- spawn / forkserver: pickled once per worker, while that worker is spawned (``Popen._launch`` wraps the
  pickling in ``set_spawning_popen``, so ``Queue.__getstate__``'s ``context.assert_spawning`` lets it pass;
  multiprocessing/popen_spawn_posix.py, popen_forkserver.py, queues.py).  The worker's module-level
  ``queue = Queue()`` made a different queue there (see module_queue_rerun.py), which the initializer replaces
  with the unpickled parent queue.

The parent counts calls of ``Queue.__getstate__`` while the pool starts, by wrapping it (after the module-level
queue exists, inside the main guard).  The pool is closed and joined at the end (added; the post leaves it
open): otherwise spawn and forkserver workers are terminated at exit, before they unlink the semaphores of the
queues their module-level ``Queue()`` made, and the resource tracker's "leaked semaphore objects" warning on
stderr varies from run to run with how far each worker got.  Even so, forkserver up to 3.13.0 (not 3.13.18, 3.14
or 3.15, whose fork server made the module-level queue once) and spawn on 3.7-3.9 print that warning (see
module_queue_rerun.py), so stderr is not checked.  The start method is set before this module runs (the harness
does; run by hand, the default applies), so the module-level ``Queue()`` is made for the right context.
"""
# /// case
# claim = "A module-level Queue passed through Pool(initializer=initialize_shared, initargs=(queue,)) and a global in the initializer lets pool workers read 42; initargs travel with the worker's creation."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S10"]
# timeout = 60
# # the resource tracker's leak warning (3.13) lists random semaphore names
# normalize = [['/mp-[A-Za-z0-9_]+', '/mp-<name>']]
#
# [expect]
# stdout = """
# parent: the queue in initargs was pickled while starting the pool: False
# I am ForkPoolWorker-N, result is 42
# worker: the initargs queue is the module-level queue it inherited by fork: True
# """
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn"]
# stdout = """
# parent: the queue in initargs was pickled while starting the pool: True, once per worker, each time while spawning it: True
# I am SpawnPoolWorker-N, result is 42
# worker: the initargs queue is the module-level queue it inherited by fork: False
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# parent: the queue in initargs was pickled while starting the pool: True, once per worker, each time while spawning it: True
# I am ForkServerPoolWorker-N, result is 42
# worker: the initargs queue is the module-level queue it inherited by fork: False
# """
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Windows (spawn only;
# # popen_spawn_win32.py also pickles while spawning) and macOS under spawn are expected to match Linux spawn.
# [[expect.when]]
# platform = ["win32", "darwin"]
# start_method = ["spawn"]
# stdout = """
# parent: the queue in initargs was pickled while starting the pool: True, once per worker, each time while spawning it: True
# I am SpawnPoolWorker-N, result is 42
# worker: the initargs queue is the module-level queue it inherited by fork: False
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# start_method = ["spawn"]
# stdout = """
# parent: the queue in initargs was pickled while starting the pool: True, once per worker, each time while spawning it: True
# I am SpawnPoolWorker-N, result is 42
# worker: the initargs queue is the module-level queue it inherited by fork: False
# """
# ///
from multiprocessing import Pool, Queue
import multiprocessing

queue = Queue()  # runs again in spawn/forkserver children, making a new queue there


def initialize_shared(q):  # runs in each worker as it starts; q is the parent's queue
    global queue, initargs_queue_was_module_queue  # added: initargs_queue_was_module_queue
    initargs_queue_was_module_queue = q is queue  # added: is it the queue this worker already had?
    queue = q  # the worker's global now names the parent's queue


def func():
    r = queue.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")
    print(f"worker: the initargs queue is the module-level queue it inherited by fork: "  # added
          f"{initargs_queue_was_module_queue}")


def count_queue_pickling():
    """Wrap Queue.__getstate__ to record, for each call, whether a process was being spawned."""
    from multiprocessing.context import get_spawning_popen
    from multiprocessing.queues import Queue as QueueClass
    original = QueueClass.__getstate__
    calls = []

    def getstate(self):
        calls.append(get_spawning_popen() is not None)
        return original(self)

    QueueClass.__getstate__ = getstate
    return calls


if __name__ == "__main__":
    pickled = count_queue_pickling()
    queue.put(42)
    pool = Pool(initializer=initialize_shared, initargs=(queue,))
    workers = len(multiprocessing.active_children())
    if pickled:
        print(f"parent: the queue in initargs was pickled while starting the pool: True, once per worker, "
              f"each time while spawning it: {len(pickled) == workers and all(pickled)}")
    else:
        print("parent: the queue in initargs was pickled while starting the pool: False")
    pool.apply(func)
    pool.close()  # added: see the docstring
    pool.join()  # added
