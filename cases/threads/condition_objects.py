"""Condition objects: ``wait()`` and ``notify()`` without the lock raise RuntimeError; ``notify()`` does not
release the lock, so the woken thread returns from ``wait()`` only once the notifier leaves its ``with`` block;
``wait(timeout)`` returns False when it times out, and ``wait_for()`` returns the predicate's last value.

``Lib/threading.py``, ``Condition.wait`` and ``Condition.notify`` start with ``if not self._is_owned(): raise
RuntimeError("cannot wait on un-acquired lock")`` / ``"cannot notify on un-acquired lock"``; ``wait`` releases
the lock, blocks on a waiter lock that ``notify`` releases, then re-acquires the condition's lock
(``self._acquire_restore``) before returning.  The order is observed with an Event: the notifier records
"notifier leaves" after ``notify()`` and before leaving the block; the waiter records its return.
"""
# /// case
# claim = "wait() and notify() need the lock (RuntimeError without it), notify() does not release the lock so the waiter returns only after the notifier leaves, wait(timeout) returns False on timeout and wait_for() returns the predicate's value."
# source = "https://docs.python.org/3.14/library/threading.html#condition-objects"
# ids = ["T21", "T22"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# wait() without the lock: RuntimeError: cannot wait on un-acquired lock
# notify() without the lock: RuntimeError: cannot notify on un-acquired lock
# ['notifier called notify(), still holds the lock', 'notifier leaves the with block', 'waiter returned from wait()']
# wait(timeout=0.01) with nobody notifying returned: False
# wait_for(lambda: 0, timeout=0.01) returned: 0
# wait_for(lambda: 'ready') returned: 'ready'
# """
# stderr = ""
# ///
import threading

if __name__ == "__main__":
    cv = threading.Condition()
    for name, call in (("wait()", cv.wait), ("notify()", cv.notify)):
        try:
            call()
        except RuntimeError as e:
            print(f"{name} without the lock: RuntimeError: {e}")

    events = []
    items = []
    waiting = threading.Event()

    def consumer():
        with cv:
            waiting.set()
            while not items:
                cv.wait()
            events.append("waiter returned from wait()")

    t = threading.Thread(target=consumer)
    t.start()
    waiting.wait()
    with cv:  # the consumer is inside wait() (it released the lock we now hold)
        items.append("item")
        cv.notify()
        events.append("notifier called notify(), still holds the lock")
        events.append("notifier leaves the with block")
    t.join()
    print(events)

    with cv:
        print(f"wait(timeout=0.01) with nobody notifying returned: {cv.wait(timeout=0.01)}")
        print(f"wait_for(lambda: 0, timeout=0.01) returned: {cv.wait_for(lambda: 0, timeout=0.01)!r}")
        print(f"wait_for(lambda: 'ready') returned: {cv.wait_for(lambda: 'ready')!r}")
