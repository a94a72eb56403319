"""A closed multiprocessing.Queue raises ValueError from put() and get() from 3.8; SimpleQueue.close() from 3.9.

3.8 added ``Queue._check_closed()`` (multiprocessing/queues.py), called first in ``put`` and ``get``:
``ValueError: Queue <repr> is closed``.  Up to 3.7, ``put`` asserted ``assert not self._closed, "Queue ... has
been closed"`` (an ``AssertionError``) and ``get`` reached the closed reader connection (``OSError: handle is
closed``).  ``SimpleQueue.close()`` (3.9) closes both connections; ``empty()`` then polls a closed handle and
raises ``OSError: handle is closed``.  The case prints the exception type and whether the message says closed.
"""
# /// case
# claim = "From 3.8, put() and get() on a closed multiprocessing.Queue raise ValueError (before: AssertionError and OSError); SimpleQueue has close() from 3.9, after which empty() raises OSError."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.Queue.put"
# ids = ["D68", "D69"]
# timeout = 30
#
# [expect]
# stdout = """
# put() on a closed Queue: ValueError (says closed: True)
# get() on a closed Queue: ValueError (says closed: True)
# SimpleQueue.close(): exists
# empty() on a closed SimpleQueue: OSError (says closed: True)
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.9"
# stdout = """
# put() on a closed Queue: ValueError (says closed: True)
# get() on a closed Queue: ValueError (says closed: True)
# SimpleQueue.close(): AttributeError
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# put() on a closed Queue: AssertionError (says closed: True)
# get() on a closed Queue: OSError (says closed: True)
# SimpleQueue.close(): AttributeError
# """
# ///
import multiprocessing


def outcome(call):
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__} (says closed: {'closed' in str(e)})"
    return "no exception"


if __name__ == "__main__":
    q = multiprocessing.Queue()
    q.close()
    q.join_thread()
    print(f"put() on a closed Queue: {outcome(lambda: q.put(1))}")
    print(f"get() on a closed Queue: {outcome(lambda: q.get(timeout=1))}")

    s = multiprocessing.SimpleQueue()
    if hasattr(s, "close"):
        print("SimpleQueue.close(): exists")
        s.close()
        print(f"empty() on a closed SimpleQueue: {outcome(s.empty)}")
    else:
        print("SimpleQueue.close(): AttributeError")
