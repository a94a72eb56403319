# /// case
# claim = "ProcessPoolExecutor.map returns the results in order, under every start method."
# source = "https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor"
# ids = ["M3"]
#
# [expect]
# stdout = """
# results: [0, 1, 4, 9, 16]
# """
# stderr_not = ["Traceback[..]"]
# ///
"""Map a function over a ProcessPoolExecutor that uses the cell's start method.

`Executor.map` (Lib/concurrent/futures/_base.py) submits every call first; its `result_iterator()` then does
`fs.reverse()` and yields the result of `fs.pop()` until the list is empty: the futures in the order they were
submitted, whichever finished first, so the results come back in input order.
"""
import gc
import os
from concurrent.futures import ProcessPoolExecutor

try:
    from multiprocessing.resource_tracker import _resource_tracker as tracker
except ImportError:  # Python 3.7 calls it the semaphore tracker
    from multiprocessing.semaphore_tracker import _semaphore_tracker as tracker


def square(x):
    return x * x


def wait_for_the_resource_tracker():
    """Under spawn and forkserver a resource tracker process watches the executor's semaphores. Left alone, it can
    still be exiting when this process ends (the cell would be a leak, some runs only): end it and wait for it."""
    gc.collect()  # PyPy frees the executor's queues, and unregisters their semaphores, only when it collects
    if getattr(tracker, "_pid", None) is not None:
        os.close(tracker._fd)
        os.waitpid(tracker._pid, 0)
        tracker._fd = tracker._pid = None


if __name__ == "__main__":
    try:
        with ProcessPoolExecutor(max_workers=2) as executor:
            print("results:", list(executor.map(square, range(5))))
    finally:
        wait_for_the_resource_tracker()
