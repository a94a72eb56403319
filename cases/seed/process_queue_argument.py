"""A multiprocessing.Queue passed as an argument to Process reaches the child, which reads 42 from it.

The post's first example, unchanged.  It works under every start method, but for different reasons:

- fork: the child is a copy of the parent made by os.fork(); it inherits the Process object, and with it
  ``args=(q,)``, without any pickling (multiprocessing/popen_fork.py ``_launch`` calls
  ``process_obj._bootstrap()`` in the forked child).
- spawn / forkserver: the Process object, args included, *is* pickled, but inside ``Popen._launch`` between
  ``set_spawning_popen(self)`` and ``set_spawning_popen(None)`` (popen_spawn_posix.py, popen_forkserver.py).
  ``Queue.__getstate__`` calls ``context.assert_spawning(self)``, which only raises when no process is being
  spawned, so here it lets the queue (its pipe ends and semaphores) travel with the new process.

One change from the post: ``p.join()``.  Without it the post's code fails under spawn and forkserver on POSIX
(the child dies with FileNotFoundError and prints nothing): see process_queue_argument_no_join.py.
"""
# /// case
# claim = "A multiprocessing.Queue passed in Process(target=func, args=(q,)) works: the child reads 42 and prints 'I am Process-1, result is 42'."
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
# # Predicted for Windows and macOS, not observed: [expect] as it stands, written from the CPython source and docs.  Windows offers only spawn and macOS
# # defaults to spawn (3.8+); the queue travels the same way as under spawn on Linux (pickled while spawning,
# # multiprocessing/popen_spawn_win32.py also calls set_spawning_popen), so the same output is expected.
# ///
from multiprocessing import Queue, Process
import multiprocessing


def func(q):
    r = q.get()
    print(f"I am {multiprocessing.current_process().name}, result is {r}")


if __name__ == "__main__":
    q = Queue()
    q.put(42)
    p = Process(target=func, args=(q,))
    p.start()
    p.join()  # not in the post: see the docstring
