"""A list passed to a child Process is a copy: the child appends 4, the parent's list stays [1, 2, 3].

The post's third example (with its imports and ``func`` spelled out).  The copy semantics hold under every start
method, but the copy is made differently: under fork the child's memory is a copy of the parent's (os.fork),
so the child's ``a`` is the parent's list at the same address in another process; under spawn and forkserver
the Process object, args included, is pickled in the parent and unpickled in the child.  Whether pickling
happens at all is a separate question: see process_argument_pickling.py.
"""
# /// case
# claim = "A Process gets a copy of its arguments: the child appends 4 and prints [1, 2, 3, 4], the parent still prints [1, 2, 3]."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S3"]
# timeout = 60
#
# [expect]
# stdout = """
# I am Process-1, a is [1, 2, 3, 4]
# I am MainProcess, a is [1, 2, 3]
# """
# stderr = ""
# exit = 0
#
# # Predicted for Windows and macOS, not observed: [expect] as it stands, written from the CPython docs.  Windows and macOS (spawn) copy by pickling as Linux
# # spawn does, so the same output is expected; the post's author saw it on Windows.
# ///
from multiprocessing import Process
import multiprocessing


def func(a):
    a.append(4)
    print(f"I am {multiprocessing.current_process().name}, a is {a}")


if __name__ == "__main__":
    a = [1, 2, 3]
    p = Process(target=func, args=(a,))
    p.start()
    p.join()
    print(f"I am {multiprocessing.current_process().name}, a is {a}")
