"""threading.Thread throws its target's return value away; ThreadPoolExecutor futures (or a Thread subclass) keep it.

The post's heading "线程 › 获取返回值" has no text; this case fills it.

``Thread.run`` is ``self._target(*self._args, **self._kwargs)`` with no assignment, and its ``finally`` deletes
``_target``, ``_args`` and ``_kwargs`` (Lib/threading.py), so the value is gone and ``join()`` returns None.
An exception fares no better: ``join()`` does not raise it; it is only printed to stderr
(``threading.excepthook`` from 3.8, ``Thread._bootstrap_inner`` before, which adds a blank line after it:
hence the ``...`` at the end of the stderr pattern).

``ThreadPoolExecutor.submit`` returns a ``Future``; the worker thread runs ``_WorkItem.run``, which calls
``future.set_result(result)`` or ``future.set_exception(exc)`` (Lib/concurrent/futures/thread.py), so
``result()`` returns the value or re-raises the exception in the caller.  A Thread subclass that overrides
``run`` to store the value is the do-it-yourself equivalent.

Threads do not depend on the start method: every cell prints the same.
"""
# /// case
# claim = "threading.Thread discards its target's return value (join() returns None), while ThreadPoolExecutor futures and a Thread subclass that stores it give the value back."
# source = "seed §线程/获取返回值"
# ids = ["S15"]
# timeout = 60
#
# [expect]
# stdout = """
# Thread: join() returned None
# Thread: the value 49 is kept on the Thread object: False
# Thread: join() after an exception in the target raised nothing: True
# ThreadPoolExecutor: submit(...).result(): 49
# ThreadPoolExecutor: map: [0, 1, 4, 9]
# ThreadPoolExecutor: result() re-raised: ValueError('negative input -1')
# Thread subclass: result is 49
# """
# stderr = """
# Exception in thread Thread-2[..]:
# Traceback (most recent call last):
# ...
# ValueError: negative input -1
# ...
# """
# exit = 0
# ///
import threading
from concurrent.futures import ThreadPoolExecutor


def func(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * x


class ResultThread(threading.Thread):
    """A Thread that keeps what its target returns."""

    def run(self):
        self.result = self._target(*self._args, **self._kwargs)


if __name__ == "__main__":
    t = threading.Thread(target=func, args=(7,))
    t.start()
    print(f"Thread: join() returned {t.join()}")
    print(f"Thread: the value 49 is kept on the Thread object: {49 in vars(t).values()}")

    t = threading.Thread(target=func, args=(-1,))  # its traceback goes to stderr
    t.start()
    try:
        t.join()
        print("Thread: join() after an exception in the target raised nothing: True")
    except ValueError:
        print("Thread: join() after an exception in the target raised nothing: False")

    with ThreadPoolExecutor(max_workers=3) as executor:
        print(f"ThreadPoolExecutor: submit(...).result(): {executor.submit(func, 7).result()}")
        print(f"ThreadPoolExecutor: map: {list(executor.map(func, range(4)))}")
        try:
            executor.submit(func, -1).result()
        except ValueError as e:
            print(f"ThreadPoolExecutor: result() re-raised: {e!r}")

    t = ResultThread(target=func, args=(7,))
    t.start()
    t.join()
    print(f"Thread subclass: result is {t.result}")
