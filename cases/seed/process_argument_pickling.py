"""Are a Process's arguments pickled?  Not under fork; under spawn and forkserver they are, while spawning.
Pool arguments are pickled under every start method.

The post says that arguments travel from the parent to the child "through a pipe" and so must be picklable.
That is how spawn and forkserver work: ``Popen._launch`` pickles the whole Process object (target, args,
kwargs) between ``set_spawning_popen(self)`` and ``set_spawning_popen(None)`` and writes it to a pipe that the
child reads (multiprocessing/popen_spawn_posix.py, popen_forkserver.py; the child unpickles it in
``spawn._main``).  Under fork there is no pickling at all: ``popen_fork.Popen._launch`` calls ``os.fork()`` and
the child runs ``process_obj._bootstrap()`` on the Process object it inherited, args included.  That is why an
unpicklable argument works with fork (process_queue_argument.py) and why fork still copies: the child's memory
is a copy of the parent's.

A Pool is different: its workers already exist when a task is submitted, so every task is pickled by the
pool's task-handler thread, under every start method, and not "while spawning" (which is what lets a
multiprocessing.Queue through, see pool_queue_argument.py).

``Traced`` is a list holder that prints when it is pickled and remembers in which process it was unpickled.
"""
# /// case
# claim = "The arguments of a Process are pickled and sent to the child through a pipe (under every start method?); Pool task arguments are pickled too."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S3"]
# timeout = 60
#
# # fork: the Process argument is never pickled; the child works on its inherited copy.
# [expect]
# stdout = """
# Process-1: a is [1, 2, 3, 4], unpickled here: False
# MainProcess: a is [1, 2, 3]
# MainProcess: pickling [1, 2, 3] for the pool, while spawning a process: False
# pool worker: a is [1, 2, 3, 4], unpickled there: True
# MainProcess: a is [1, 2, 3]
# """
# stderr = ""
# exit = 0
# holds = false
#
# [[expect.when]]
# start_method = ["spawn", "forkserver"]
# stdout = """
# MainProcess: pickling [1, 2, 3] for Process-1, while spawning a process: True
# Process-1: a is [1, 2, 3, 4], unpickled here: True
# MainProcess: a is [1, 2, 3]
# MainProcess: pickling [1, 2, 3] for the pool, while spawning a process: False
# pool worker: a is [1, 2, 3, 4], unpickled there: True
# MainProcess: a is [1, 2, 3]
# """
# holds = true
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Windows (spawn only;
# # popen_spawn_win32.py pickles the Process object while spawning and writes it to a pipe) and macOS under spawn are
# # expected to match Linux spawn.
# [[expect.when]]
# platform = ["win32", "darwin"]
# start_method = ["spawn"]
# stdout = """
# MainProcess: pickling [1, 2, 3] for Process-1, while spawning a process: True
# Process-1: a is [1, 2, 3, 4], unpickled here: True
# MainProcess: a is [1, 2, 3]
# MainProcess: pickling [1, 2, 3] for the pool, while spawning a process: False
# pool worker: a is [1, 2, 3, 4], unpickled there: True
# MainProcess: a is [1, 2, 3]
# """
# holds = true
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# start_method = ["spawn"]
# stdout = """
# MainProcess: pickling [1, 2, 3] for Process-1, while spawning a process: True
# Process-1: a is [1, 2, 3, 4], unpickled here: True
# MainProcess: a is [1, 2, 3]
# MainProcess: pickling [1, 2, 3] for the pool, while spawning a process: False
# pool worker: a is [1, 2, 3, 4], unpickled there: True
# MainProcess: a is [1, 2, 3]
# """
# holds = true
# ///
from multiprocessing import Process, Pool
from multiprocessing.context import get_spawning_popen
import multiprocessing


class Traced:
    def __init__(self, items, destination):
        self.items = items
        self.destination = destination
        self.unpickled_in = None

    def __getstate__(self):
        print(f"{multiprocessing.current_process().name}: pickling {self.items} for {self.destination}, "
              f"while spawning a process: {get_spawning_popen() is not None}")
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.unpickled_in = multiprocessing.current_process().name


def func(a):
    a.items.append(4)
    print(f"{multiprocessing.current_process().name}: a is {a.items}, "
          f"unpickled here: {a.unpickled_in == multiprocessing.current_process().name}")


def pool_func(a):
    a.items.append(4)
    return a.items, a.unpickled_in == multiprocessing.current_process().name


if __name__ == "__main__":
    a = Traced([1, 2, 3], "Process-1")
    p = Process(target=func, args=(a,))
    p.start()
    p.join()
    print(f"{multiprocessing.current_process().name}: a is {a.items}")

    with Pool() as pool:
        a = Traced([1, 2, 3], "the pool")
        items, unpickled = pool.apply(pool_func, args=(a,))
        print(f"pool worker: a is {items}, unpickled there: {unpickled}")
        print(f"{multiprocessing.current_process().name}: a is {a.items}")
