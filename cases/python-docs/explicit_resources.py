"""The docs' example of a lock used as a global works only under fork; passed as an argument it works under
every start method.

Part 1 is the docs' first version, made runnable: the lock is created in the ``__main__`` block and ``f`` uses
the global ``lock``.  A fork child is a copy of the parent and has it.  A spawn or forkserver child imports the
main module again as ``__mp_main__``, where the ``__main__`` block does not run, so ``lock`` does not exist there:
the child fails with ``NameError`` (exit code 1, its traceback on stderr).  The three children of part 1 run one
after another: started together, their tracebacks interleaved differently in every run (the first full run with
``--repeat 3`` recorded 2 or 3 distinct stderr texts in each spawn and forkserver cell).  Part 2 is the docs' rewritten
version, ``Process(target=f, args=(lock,))``: every child gets the lock.  Three children each, joined, instead
of the docs' ten unjoined ones.
"""
# /// case
# claim = "Under fork a child can use a resource created in the parent as a global; passing it as an argument instead makes the code work under the other start methods too."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D42", "D43"]
# timeout = 30
#
# [expect]
# stdout = """
# global lock: child exit codes [1, 1, 1]
# lock as an argument: child exit codes [0, 0, 0]
# """
# stderr = """
# Process Process-1:
# Traceback (most recent call last):
# ...
# NameError: name 'lock' is not defined[..]
# Process Process-2:
# Traceback (most recent call last):
# ...
# NameError: name 'lock' is not defined[..]
# Process Process-3:
# Traceback (most recent call last):
# ...
# NameError: name 'lock' is not defined[..]
# """
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# global lock: child exit codes [0, 0, 0]
# lock as an argument: child exit codes [0, 0, 0]
# """
# stderr = ""
# exit = 0
# ///
from multiprocessing import Process, Lock


def f():
    with lock:  # the docs' "do something using 'lock'"
        pass


def g(l):
    with l:
        pass


if __name__ == '__main__':
    lock = Lock()
    children = [Process(target=f) for i in range(3)]
    for p in children:  # one at a time: three failing children would interleave their tracebacks on stderr
        p.start()
        p.join()
    print(f"global lock: child exit codes {[p.exitcode for p in children]}")
    children = [Process(target=g, args=(lock,)) for i in range(3)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    print(f"lock as an argument: child exit codes {[p.exitcode for p in children]}")
