"""The concurrent.futures page's deadlock examples: a task that waits on the result of a task submitted to the same
one-worker ThreadPoolExecutor never gets it, because the only worker is busy waiting.

``Lib/concurrent/futures/thread.py``: each worker takes one work item from ``self._work_queue`` and runs it to the
end before taking the next; with ``max_workers=1`` the inner work item stays queued while the outer one waits.  The
docs' example waits forever; here the wait is bounded (10 s, ``result(timeout=10)``): the inner task cannot start
before the outer one returns, so the bound only ends a wait that would otherwise never end.
"""
# /// case
# claim = "A task waiting on the result of another task of the same one-worker ThreadPoolExecutor deadlocks."
# source = "https://docs.python.org/3.14/library/concurrent.futures.html#threadpoolexecutor"
# ids = ["T82"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# the inner future never ran (deadlock, ended by the bounded wait)
# the inner task ran once the worker was free
# """
# stderr = ""
# ///
import concurrent.futures
from concurrent.futures import ThreadPoolExecutor


def wait_on_future():
    f = executor.submit(pow, 5, 2)
    # This will never complete because there is only one worker thread and
    # it is executing this function.
    try:
        return f.result(timeout=10)
    except concurrent.futures.TimeoutError:
        return "the inner future never ran (deadlock, ended by the bounded wait)"


if __name__ == "__main__":
    executor = ThreadPoolExecutor(max_workers=1)
    print(executor.submit(wait_on_future).result())
    executor.shutdown()
    print("the inner task ran once the worker was free")
