"""Semaphores: a negative initial value raises ValueError; releasing a BoundedSemaphore above its initial value
raises ValueError while a plain Semaphore just counts up; ``release(n)`` (3.9) wakes n waiting threads at once;
the docs' BoundedSemaphore example guards a pool of connections.

``Lib/threading.py``: ``Semaphore.__init__`` raises ``ValueError("semaphore initial value must be >= 0")``;
``BoundedSemaphore.release`` raises ``ValueError("Semaphore released too many times")`` when
``self._value + n > self._initial_value``; 3.9 added ``n`` to ``Semaphore.release(self, n=1)`` (before, a
TypeError).  Two threads wait in ``acquire()``; a single ``release(2)`` must let both through (joined with a
bounded wait, 30 s, far beyond what a working release needs: a missing wake-up would never come).
"""
# /// case
# claim = "Semaphore(-1) raises ValueError, a BoundedSemaphore released above its initial value raises ValueError (a Semaphore does not), and release(n) (3.9) wakes n waiters."
# source = "https://docs.python.org/3.14/library/threading.html#semaphore-objects"
# ids = ["T23", "T24", "T25"]
# start_methods = ["default"]
# timeout = 90
#
# [expect]
# exit = 0
# stdout = """
# Semaphore(-1): ValueError: semaphore initial value must be >= 0
# Semaphore(1) released once more: no error, it now lets 2 acquire()s through
# BoundedSemaphore(5) released with none acquired: ValueError: Semaphore released too many times
# waiters still blocked after the release: 0
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.9"
# stdout = """
# Semaphore(-1): ValueError: semaphore initial value must be >= 0
# Semaphore(1) released once more: no error, it now lets 2 acquire()s through
# BoundedSemaphore(5) released with none acquired: ValueError: Semaphore released too many times
# release(2): TypeError: release() takes 1 positional argument but 2 were given
# waiters still blocked after the release: 0
# """
# ///
import threading

if __name__ == "__main__":
    try:
        threading.Semaphore(-1)
    except ValueError as e:
        print(f"Semaphore(-1): ValueError: {e}")
    plain = threading.Semaphore(1)
    plain.release()
    print(f"Semaphore(1) released once more: no error, it now lets {sum(plain.acquire(blocking=False) for _ in range(3))} acquire()s through")
    maxconnections = 5
    pool_sema = threading.BoundedSemaphore(value=maxconnections)
    with pool_sema:
        pass
    try:
        pool_sema.release()
    except ValueError as e:
        print(f"BoundedSemaphore(5) released with none acquired: ValueError: {e}")

    sem = threading.Semaphore(0)
    barrier = threading.Barrier(3)

    def waiter():
        barrier.wait()
        sem.acquire()

    waiters = [threading.Thread(target=waiter, daemon=True) for _ in range(2)]
    for w in waiters:
        w.start()
    barrier.wait()
    try:
        sem.release(2)
    except TypeError as e:
        print(f"release(2): TypeError: {e}")
        sem.release()
        sem.release()
    for w in waiters:
        w.join(timeout=30)
    print(f"waiters still blocked after the release: {sum(w.is_alive() for w in waiters)}")
