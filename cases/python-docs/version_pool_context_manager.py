"""Leaving a ``with Pool(...)`` block terminates the pool (3.3), and AsyncResult.successful() before the result is
ready raises ValueError (3.7).

``Pool.__exit__`` calls ``self.terminate()`` (multiprocessing/pool.py), not ``close()`` and ``join()``: running
tasks are abandoned, and ``_terminate_pool`` sends SIGTERM to every worker and joins it before ``__exit__``
returns.  So a task still sleeping when the block ends never finishes, and no worker is left.
``AsyncResult.successful()`` raises ``ValueError("<AsyncResult ...> not ready")`` while the result is pending
(3.7; an ``AssertionError`` before).

The task waits 60 s, far longer than the case takes; nothing in the output depends on timing.
"""
# /// case
# claim = "Leaving a with-block on a Pool terminates it (workers stopped at once, running tasks abandoned), and AsyncResult.successful() raises ValueError while the result is not ready (3.7)."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.pool.Pool.join"
# ids = ["D76", "D77"]
# timeout = 30
#
# [expect]
# stdout = """
# successful() before the result is ready: ValueError
# workers left after the with block: 0
# the 60 s task finished: False
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import time

if __name__ == "__main__":
    before = set(multiprocessing.active_children())
    with multiprocessing.Pool(2) as pool:
        result = pool.apply_async(time.sleep, (60,))
        try:
            result.successful()
        except Exception as e:
            print(f"successful() before the result is ready: {type(e).__name__}")
    left = [p for p in multiprocessing.active_children() if p not in before]
    print(f"workers left after the with block: {len(left)}")
    print(f"the 60 s task finished: {result.ready()}")
