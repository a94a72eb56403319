"""Futures of a ThreadPoolExecutor: ``map()`` yields results in the order of its inputs and raises a call's
exception when that value is reached; ``cancel()`` fails (False) on a running future and succeeds on a pending
one; a callback added to a finished future is called at once, in the adding thread.

``Lib/concurrent/futures/_base.py``: ``Executor.map`` yields ``fs.pop().result()`` in submission order;
``Future.cancel`` returns False ``if self._state in [RUNNING, FINISHED]``; ``add_done_callback`` calls ``fn(self)``
immediately when the future is done.  The running task waits on an Event, so it is running (not pending) when
cancelled, and the second one is still queued behind it.
"""
# /// case
# claim = "Executor.map() yields results in input order and raises a call's exception at its place; cancel() returns False for a running future; a done-callback added to a finished future runs at once."
# source = "https://docs.python.org/3.14/library/concurrent.futures.html#future-objects"
# ids = ["T83", "T84", "T85"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# map() yielded: [0, 10, 'ValueError: input 2']
# cancel() on the running future: False, on the queued one: True
# the running one: ran; the queued one cancelled: True
# callback added to a finished future ran at once, in: ['MainThread']
# """
# stderr = ""
# ///
import threading
from concurrent.futures import ThreadPoolExecutor


def slow_first(x):
    if x == 0:
        gate.wait(timeout=30)
    if x == 2:
        raise ValueError("input 2")
    return x * 10


gate = threading.Event()

if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=3) as executor:
        results = executor.map(slow_first, [0, 1, 2, 3])
        gate.set()
        got = []
        try:
            for r in results:
                got.append(r)
        except ValueError as e:
            got.append(f"ValueError: {e}")
        print(f"map() yielded: {got}")

    started, release = threading.Event(), threading.Event()

    def blocker():
        started.set()
        release.wait(timeout=30)
        return "ran"

    with ThreadPoolExecutor(max_workers=1) as executor:
        running = executor.submit(blocker)
        pending = executor.submit(blocker)
        started.wait()
        print(f"cancel() on the running future: {running.cancel()}, on the queued one: {pending.cancel()}")
        release.set()
        print(f"the running one: {running.result()}; the queued one cancelled: {pending.cancelled()}")
        calls = []
        running.add_done_callback(lambda f: calls.append(threading.current_thread().name))
        print(f"callback added to a finished future ran at once, in: {calls}")
