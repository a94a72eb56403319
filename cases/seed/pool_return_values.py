"""multiprocessing.Pool gives back return values: apply, apply_async(...).get(), map (in input order).

The post's heading "获取返回值 › 使用multiprocessing.Pool" has no text; this case fills it.  A worker runs
``func`` and sends ``(True, result)`` or ``(False, exception)`` back on the pool's result queue
(``worker()`` in Lib/multiprocessing/pool.py); the parent's result-handler thread stores it in an
``ApplyResult``/``MapResult`` and ``get()`` returns the value or raises the exception.

``map`` returns results in input order even though the tasks finish in another order: ``MapResult._set`` writes
each chunk into ``self._value[i*chunksize:...]`` by its index.  Here the first input waits for an Event that
only the last input sets (handed to every worker through ``initargs``), so the first input surely finishes
last, whatever the scheduling.

An exception in the worker is re-raised in the parent by ``get()``: the worker wraps it in
``ExceptionWithTraceback``, whose ``__reduce__`` rebuilds it in the parent with ``__cause__`` set to a
``RemoteTraceback`` holding the worker's formatted traceback.  The case ends with such an exception left
uncaught, so the traceback shows both halves ("The above exception was the direct cause ...").
"""
# /// case
# claim = "Pool.apply returns the function's value, apply_async(...).get() returns it, map returns results in input order, and an exception raised in a worker is re-raised in the parent."
# source = "seed §进程/获取返回值/使用multiprocessing.Pool"
# ids = ["S13"]
# timeout = 60
#
# [expect]
# stdout = """
# apply: 49
# apply_async(...).get(): 64
# map: [9, 4, 1, 0]
# first input finished after the last, yet map kept input order: True
# caught in parent: ValueError('negative input -1')
# its __cause__: RemoteTraceback, holding the worker's traceback: True
# map with one failing input raises: ValueError('negative input -2')
# now uncaught:
# """
# exception = "ValueError: negative input -3"
# stderr = """
# multiprocessing.pool.RemoteTraceback:[..]
# \"\"\"
# Traceback (most recent call last):
# ...
#   File "<case>/pool_return_values.py", line [..], in func
#     raise ValueError(f"negative input {x}")
# ValueError: negative input -3
# \"\"\"
#
# The above exception was the direct cause of the following exception:
#
# Traceback (most recent call last):
#   File "<case>/pool_return_values.py", line [..], in <module>
#     pool.apply(func, (-3,))
# ...
# ValueError: negative input -3
# """
# exit = 1
# ///
import time
from multiprocessing import Event, Pool

last_done = None


def initialize(event):
    global last_done
    last_done = event


def func(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * x


def ordered_square(x):
    if x == 3:  # the first input: finish only after the last one has run
        last_done.wait(10)
    finished = time.time()
    if x == 0:  # the last input: let the first one finish
        last_done.set()
    return x * x, finished


if __name__ == "__main__":
    with Pool(3, initializer=initialize, initargs=(Event(),)) as pool:  # a fixed size: the output must not depend on the CPU count
        print(f"apply: {pool.apply(func, (7,))}")
        print(f"apply_async(...).get(): {pool.apply_async(func, (8,)).get()}")

        pairs = pool.map(ordered_square, [3, 2, 1, 0], chunksize=1)
        print(f"map: {[value for value, _ in pairs]}")
        finish_times = [t for _, t in pairs]
        print(f"first input finished after the last, yet map kept input order: {finish_times[0] > finish_times[-1]}")

        try:
            pool.apply_async(func, (-1,)).get()
        except ValueError as e:
            print(f"caught in parent: {e!r}")
            cause = e.__cause__
            print(f"its __cause__: {type(cause).__name__}, holding the worker's traceback: {'in func' in str(cause)}")
        try:
            pool.map(func, [1, -2, 3])
        except ValueError as e:
            print(f"map with one failing input raises: {e!r}")

        print("now uncaught:")
        pool.apply(func, (-3,))
