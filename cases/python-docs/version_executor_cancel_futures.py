"""Executor.shutdown(cancel_futures=True), from 3.9, cancels the futures that have not started.

3.9 added the keyword-only ``cancel_futures`` to ``shutdown`` (concurrent/futures/thread.py): under the
shutdown lock it drains ``self._work_queue`` and calls ``cancel()`` on each pending work item's future; a
running future is left alone.  Before 3.9 the keyword is a ``TypeError``.

The case gives a one-thread ``ThreadPoolExecutor`` a task that waits on an Event (it is running, so not
cancellable) and three more (pending), shuts down with ``wait=False, cancel_futures=True``, then releases the
running task.  No timing is involved: the first task is known to run before the others are submitted.
"""
# /// case
# claim = "From 3.9, Executor.shutdown(cancel_futures=True) cancels every pending future that has not started running, and lets the running one finish."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.Executor.shutdown"
# ids = ["D85"]
# timeout = 30
#
# [expect]
# stdout = """
# running task: finished with 'done'
# pending tasks cancelled: 3 of 3
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.9"
# stdout = """
# shutdown(cancel_futures=True): TypeError: shutdown() got an unexpected keyword argument 'cancel_futures'
# running task: finished with 'done'
# pending tasks cancelled: 0 of 3
# """
# ///
import threading
from concurrent.futures import ThreadPoolExecutor

started, release = threading.Event(), threading.Event()


def blocker():
    started.set()
    release.wait()
    return "done"


if __name__ == "__main__":
    executor = ThreadPoolExecutor(max_workers=1)
    running = executor.submit(blocker)
    started.wait()
    pending = [executor.submit(pow, 2, n) for n in range(3)]
    try:
        executor.shutdown(wait=False, cancel_futures=True)
    except TypeError as e:
        print(f"shutdown(cancel_futures=True): TypeError: {e}")
    release.set()
    executor.shutdown(wait=True)
    print(f"running task: finished with {running.result()!r}")
    print(f"pending tasks cancelled: {sum(f.cancelled() for f in pending)} of 3")
