"""``queue.Queue.shutdown()`` (3.13): afterwards ``put()`` raises ShutDown; ``get()`` still returns what is queued
and then raises ShutDown instead of blocking, also in a thread already blocked in ``get()``; with
``immediate=True`` the queue is emptied at once, ``get()`` raises at once and ``join()`` returns.

3.13 ``Lib/queue.py``: ``shutdown`` sets ``self.is_shutdown = True``, with ``immediate`` drains the queue calling
``self.unfinished_tasks -= 1`` per item and notifies ``all_tasks_done``, and ``notify_all()`` wakes blocked
getters and putters; ``get`` raises ``ShutDown`` ``if self.is_shutdown and not self._qsize()``.  Before 3.13
there is no ``shutdown`` (AttributeError).  The blocked getter is known to be waiting once ``Queue.not_empty``
has a waiter.
"""
# /// case
# claim = "queue.Queue.shutdown() (3.13) makes put() raise ShutDown and get() raise ShutDown once the queue is empty (waking blocked getters); shutdown(immediate=True) empties it at once and unblocks join()."
# source = "https://docs.python.org/3.14/library/queue.html#queue.Queue.shutdown"
# ids = ["T73", "T74"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# queue.Queue.shutdown: absent
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# put() after shutdown(): ShutDown
# get() after shutdown(): 'a' (queued before)
# get() on the empty shut-down queue: ShutDown
# a thread blocked in get() when shutdown() is called gets: ['ShutDown']
# after shutdown(immediate=True): qsize() 0
# get(): ShutDown
# join() returned
# """
# ///
import queue
import threading
import time


def wait_for_waiter(q):
    deadline = time.monotonic() + 30
    while not q.not_empty._waiters and time.monotonic() < deadline:
        time.sleep(0.001)


if __name__ == "__main__":
    if not hasattr(queue.Queue, "shutdown"):
        print("queue.Queue.shutdown: absent")
        raise SystemExit(0)
    q = queue.Queue()
    q.put("a")
    q.shutdown()
    try:
        q.put("b")
    except queue.ShutDown:
        print("put() after shutdown(): ShutDown")
    print(f"get() after shutdown(): {q.get()!r} (queued before)")
    try:
        q.get()
    except queue.ShutDown:
        print("get() on the empty shut-down queue: ShutDown")

    q = queue.Queue()
    seen = []

    def getter():
        try:
            q.get()
        except queue.ShutDown:
            seen.append("ShutDown")

    t = threading.Thread(target=getter)
    t.start()
    wait_for_waiter(q)
    q.shutdown()
    t.join(timeout=30)
    print(f"a thread blocked in get() when shutdown() is called gets: {seen}")

    q = queue.Queue()
    for item in "xyz":
        q.put(item)
    q.shutdown(immediate=True)
    print(f"after shutdown(immediate=True): qsize() {q.qsize()}")
    try:
        q.get()
    except queue.ShutDown:
        print("get(): ShutDown")
    q.join()
    print("join() returned")
