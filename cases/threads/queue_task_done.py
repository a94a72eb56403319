"""``queue.Queue`` bookkeeping: the docs' worker example (a thread calling ``task_done()`` per item) lets
``q.join()`` return once every item is done; ``task_done()`` called more times than items raises ValueError;
``put_nowait`` on a full queue raises Full and ``get(timeout=...)`` on an empty one raises Empty; a
``SimpleQueue`` (3.7) has no ``task_done``/``join``.

``Lib/queue.py``, ``task_done``: ``unfinished = self.unfinished_tasks - 1; if unfinished < 0: raise
ValueError('task_done() called too many times')``; ``put`` with ``block=False`` raises ``Full`` when
``self._qsize() >= self.maxsize``.  The docs' example queues 30 items; here 5, and its infinite worker is a
daemon thread as written.
"""
# /// case
# claim = "Queue.join() returns once task_done() was called for every item (the docs' worker example); one task_done() too many raises ValueError; put_nowait on a full queue raises Full, a timed get on an empty one Empty; SimpleQueue has no task tracking."
# source = "https://docs.python.org/3.14/library/queue.html#queue.Queue.join"
# ids = ["T75", "T76", "T77"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# Working on 0
# Finished 0
# Working on 1
# Finished 1
# Working on 2
# Finished 2
# Working on 3
# Finished 3
# Working on 4
# Finished 4
# All work completed
# task_done() once more: ValueError: task_done() called too many times
# put_nowait() on a full Queue(maxsize=1): Full
# get(timeout=0.01) on an empty queue: Empty
# SimpleQueue: get() 'x'; has task_done: False, join: False
# """
# stderr = ""
# ///
import queue
import threading

q = queue.Queue()


def worker():
    while True:
        item = q.get()
        print(f'Working on {item}')
        print(f'Finished {item}')
        q.task_done()


if __name__ == "__main__":
    # Turn-on the worker thread.
    threading.Thread(target=worker, daemon=True).start()

    # Send five task requests to the worker.
    for item in range(5):
        q.put(item)

    # Block until all tasks are done.
    q.join()
    print('All work completed')

    try:
        q.task_done()
    except ValueError as e:
        print(f"task_done() once more: ValueError: {e}")
    small = queue.Queue(maxsize=1)
    small.put_nowait(1)
    try:
        small.put_nowait(2)
    except queue.Full:
        print("put_nowait() on a full Queue(maxsize=1): Full")
    try:
        queue.Queue().get(timeout=0.01)
    except queue.Empty:
        print("get(timeout=0.01) on an empty queue: Empty")
    simple = queue.SimpleQueue()
    simple.put("x")
    print(f"SimpleQueue: get() {simple.get()!r}; has task_done: {hasattr(simple, 'task_done')}, join: {hasattr(simple, 'join')}")
