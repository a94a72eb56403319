"""RLock objects: the owning thread may acquire an RLock again without blocking and must release it as many
times; another thread cannot release it (RuntimeError), and cannot acquire it while it is held.  From 3.14
``RLock.locked()`` and ``Condition.locked()`` tell whether the lock is held.

``Modules/_threadmodule.c``, ``rlock_release``: when the calling thread is not the owner it raises
``RuntimeError("cannot release un-acquired lock")``.
``rlock_locked`` and ``Condition.locked`` (``Lib/threading.py``: ``return self._lock.locked()``) are new in 3.14;
before, the C RLock has no ``locked`` (AttributeError) and ``Condition`` has none either.
"""
# /// case
# claim = "An RLock may be re-acquired by its owner, which must release it as often, and cannot be released (RuntimeError) nor taken by another thread; RLock.locked() and Condition.locked() exist from 3.14."
# source = "https://docs.python.org/3.14/library/threading.html#rlock-objects"
# ids = ["T19", "T20"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# nested acquire by the owner: True True
# another thread's release(): RuntimeError: cannot release un-acquired lock; its acquire(blocking=False): False
# after one of two releases, another thread's acquire(blocking=False): False
# RLock.locked(): AttributeError: '_thread.RLock' object has no attribute 'locked'
# Condition.locked(): AttributeError: 'Condition' object has no attribute 'locked'
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# nested acquire by the owner: True True
# another thread's release(): RuntimeError: cannot release un-acquired lock; its acquire(blocking=False): False
# after one of two releases, another thread's acquire(blocking=False): False
# RLock.locked(): False before acquiring, True while held
# Condition.locked(): False before acquiring, True while held
# """
# ///
import threading


def from_other_thread(rlock, out):
    try:
        rlock.release()
        out.append("released it")
    except RuntimeError as e:
        out.append(f"RuntimeError: {e}")
    out.append(rlock.acquire(blocking=False))


if __name__ == "__main__":
    rlock = threading.RLock()
    print(f"nested acquire by the owner: {rlock.acquire()} {rlock.acquire(blocking=False)}")
    out = []
    t = threading.Thread(target=from_other_thread, args=(rlock, out))
    t.start()
    t.join()
    print(f"another thread's release(): {out[0]}; its acquire(blocking=False): {out[1]}")
    rlock.release()
    out = []
    t = threading.Thread(target=lambda: out.append(rlock.acquire(blocking=False)))
    t.start()
    t.join()
    print(f"after one of two releases, another thread's acquire(blocking=False): {out[0]}")
    rlock.release()
    for name, obj in (("RLock", threading.RLock()), ("Condition", threading.Condition())):
        try:
            before = obj.locked()
            with obj:
                during = obj.locked()
            print(f"{name}.locked(): {before} before acquiring, {during} while held")
        except AttributeError as e:
            print(f"{name}.locked(): AttributeError: {e}")
