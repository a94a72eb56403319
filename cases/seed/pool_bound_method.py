"""pool.apply(self.method) on an object that holds the pool fails: pickling the method pickles self, and its pool.

The post's class ``C`` passes ``self.func``, a ``staticmethod``, to ``self.pool.apply``, and that works (see
``helper_pool_in_threads.py``).  This case asks what happens with an ordinary method instead.

A bound method pickles as ``getattr(self, "method")`` (``method.__reduce__`` in Objects/classobject.c), so the
instance is pickled too, with its ``__dict__``: the first attribute, ``self.pool``, raises
``NotImplementedError('pool objects cannot be passed between processes or pickled')`` from
``Pool.__reduce__`` (Lib/multiprocessing/pool.py).  Had ``self.q`` come first, the Queue would have raised
``RuntimeError: Queue objects should only be shared between processes through inheritance`` instead.

Pool tasks are always pickled, under every start method (even fork): they travel to the workers through a pipe
(``SimpleQueue``).  Pickling happens in the pool's task-handler thread (``_handle_tasks``), not in the caller, so the caller does not
see it while putting the task: the handler catches it and stores it as the task's result, and ``apply`` (which
is ``apply_async(...).get()``) re-raises it in the calling thread.  The pool stays usable afterwards.  The case
first catches the error to show that, then calls ``apply`` once more and lets it end the program.
"""
# /// case
# claim = "Pool.apply with a bound method of an object that holds the pool fails, because pickling the method pickles the object and the pool: 'pool objects cannot be passed between processes or pickled'."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S21"]
# timeout = 60
#
# [expect]
# stdout = """
# staticmethod: I am in [..]PoolWorker-N, result is 42
# bound method: NotImplementedError('pool objects cannot be passed between processes or pickled')
# the pool still works afterwards: True
# now uncaught:
# """
# exception = "NotImplementedError: pool objects cannot be passed between processes or pickled"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/pool_bound_method.py", line [..], in <module>
#     c.pool.apply(c.method, args=(24,))
# ...
# NotImplementedError: pool objects cannot be passed between processes or pickled
# """
# exit = 1
# ///
import multiprocessing
from multiprocessing import Pool, Queue


class C:
    def __init__(self):
        self.pool = Pool(2)
        self.q = Queue()

    @staticmethod
    def func(r):
        return f"I am in {multiprocessing.current_process().name}, result is {r}"

    def method(self, r):  # needs self, so self must travel to the worker
        return f"I am in {multiprocessing.current_process().name}, result is {r}"


if __name__ == "__main__":
    c = C()
    print(f"staticmethod: {c.pool.apply(c.func, args=(42,))}")
    try:
        c.pool.apply(c.method, args=(33,))
    except NotImplementedError as e:
        print(f"bound method: {e!r}")
    print(f"the pool still works afterwards: {c.pool.apply(abs, (-1,)) == 1}")
    print("now uncaught:")
    c.pool.apply(c.method, args=(24,))
