"""The docs' deadlock example, with a bounded join: a child that put a large item on a queue does not end until
the item is read; swapping the two lines fixes it; ``cancel_join_thread()`` lets the child end at once.

Part 1 (D38, D40) is the docs' example as written except that ``p.join()`` gets a timeout so that the case never
hangs.  The 1,000,000-byte item does not fit in the pipe's buffer (64 KiB on Linux), so the child's feeder thread
blocks in ``send_bytes`` until the parent reads; at exit the child joins its feeder thread
(``Queue._finalize_join``, registered by ``_start_thread``), so the child cannot end: after ``join(timeout=3)``
it is still alive.  That is not a guess about speed: the child can never end before the parent reads.  Then the
fix (``queue.get()`` before ``p.join()``): the parent gets the whole item and the child ends with 0.
Part 2 (D39): the child calls ``q.cancel_join_thread()`` after its ``put``; at exit it does not wait for the
feeder, and ``join()`` (bounded by 60 s) returns with exit code 0 while nothing has been read; the item cannot be
read whole afterwards (the case does not try: a partial message would block the reader).
"""
# /// case
# claim = "A process that put items on a queue waits before ending until its feeder thread has flushed them to the pipe, so joining it before reading deadlocks (the docs' example); swapping the lines fixes it; cancel_join_thread() avoids the wait."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D38", "D39", "D40"]
# timeout = 60
#
# [expect]
# stdout = """
# docs' example: after p.join(timeout=3) the child is alive: True
# after queue.get(): got 1000000 bytes, the child ended with exit code 0
# with cancel_join_thread(): the child ended unread with exit code 0
# """
# stderr = ""
# exit = 0
# ///
from multiprocessing import Process, Queue


def f(q):
    q.put('X' * 1000000)


def f_cancel(q):
    q.put('X' * 1000000)
    q.cancel_join_thread()


if __name__ == '__main__':
    queue = Queue()
    p = Process(target=f, args=(queue,))
    p.start()
    p.join(timeout=3)                    # this deadlocks (the docs' p.join(), bounded here)
    print(f"docs' example: after p.join(timeout=3) the child is alive: {p.is_alive()}")
    obj = queue.get()
    p.join()
    print(f"after queue.get(): got {len(obj)} bytes, the child ended with exit code {p.exitcode}")

    other = Queue()
    p = Process(target=f_cancel, args=(other,))
    p.start()
    p.join(timeout=60)
    print(f"with cancel_join_thread(): the child ended unread with exit code {p.exitcode}")
