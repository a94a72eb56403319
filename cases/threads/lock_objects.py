"""Lock objects: from 3.13 ``threading.Lock`` is a class (before, a factory function returning ``_thread.lock``);
a lock may be released by a thread other than the one that acquired it; releasing an unlocked lock raises
RuntimeError; and a timeout with ``blocking=False`` is forbidden (ValueError).

3.13 ``Lib/threading.py:120``: ``Lock = _LockType`` (``_thread.LockType``, the lock type itself), where 3.12
has ``Lock = _allocate_lock`` (``threading.py:122``), a builtin function, so ``isinstance(x, threading.Lock)``
is a TypeError there.  The other three
behaviours are ``Modules/_threadmodule.c``'s: ``lock_PyThread_release_lock`` raises
``RuntimeError("release unlocked lock")`` and checks no owner; ``lock_acquire_parse_args`` raises
``ValueError("can't specify a timeout for a non-blocking call")``.
"""
# /// case
# claim = "threading.Lock is a class from 3.13 (a factory function before); any thread may release a lock, releasing an unlocked lock raises RuntimeError, and a timeout with blocking=False raises ValueError."
# source = "https://docs.python.org/3.14/library/threading.html#lock-objects"
# ids = ["T16", "T17", "T18"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# threading.Lock is a class: False
# isinstance(threading.Lock(), threading.Lock): TypeError: isinstance() arg 2 must be a type or tuple of types
# released by another thread; locked() now: False
# release() of an unlocked lock: RuntimeError: release unlocked lock
# acquire(blocking=False, timeout=1): ValueError: can't specify a timeout for a non-blocking call
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.10,<3.13"
# implementation = ["cpython"]
# stdout = """
# threading.Lock is a class: False
# isinstance(threading.Lock(), threading.Lock): TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union
# released by another thread; locked() now: False
# release() of an unlocked lock: RuntimeError: release unlocked lock
# acquire(blocking=False, timeout=1): ValueError: can't specify a timeout for a non-blocking call
# """
#
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# threading.Lock is a class: True
# isinstance(threading.Lock(), threading.Lock): True
# released by another thread; locked() now: False
# release() of an unlocked lock: RuntimeError: release unlocked lock
# acquire(blocking=False, timeout=1): ValueError: can't specify a timeout for a non-blocking call
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# threading.Lock is a class: False
# isinstance(threading.Lock(), threading.Lock): TypeError: isinstance() arg 2 must be a class, type, or tuple of classes and types, got builtin_function
# released by another thread; locked() now: False
# release() of an unlocked lock: RuntimeError: cannot release un-acquired lock
# acquire(blocking=False, timeout=1): ValueError: can't specify a timeout for a non-blocking call
# """
# ///
import threading

if __name__ == "__main__":
    print(f"threading.Lock is a class: {isinstance(threading.Lock, type)}")
    lock = threading.Lock()
    try:
        print(f"isinstance(threading.Lock(), threading.Lock): {isinstance(lock, threading.Lock)}")
    except TypeError as e:
        print(f"isinstance(threading.Lock(), threading.Lock): TypeError: {e}")
    lock.acquire()
    t = threading.Thread(target=lock.release)
    t.start()
    t.join()
    print(f"released by another thread; locked() now: {lock.locked()}")
    try:
        lock.release()
    except RuntimeError as e:
        print(f"release() of an unlocked lock: RuntimeError: {e}")
    try:
        lock.acquire(blocking=False, timeout=1)
    except ValueError as e:
        print(f"acquire(blocking=False, timeout=1): ValueError: {e}")
