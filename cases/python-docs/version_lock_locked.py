"""From 3.14, multiprocessing's Lock, RLock, Semaphore and BoundedSemaphore have locked(), seen across processes.

3.14 added ``SemLock.locked()`` (Lib/multiprocessing/synchronize.py: ``return self._semlock._is_zero()``), so
every semaphore-based primitive answers whether its count is zero: a ``Lock`` or ``RLock`` held by any process,
a ``Semaphore(1)`` or ``BoundedSemaphore(1)`` acquired once.  The count lives in a named POSIX semaphore, so a
child process given the primitive sees the parent's acquisition.

The case acquires each primitive in the main process and asks a child whether it is locked, then releases it
and asks again.  Before 3.14 the method is missing: the line shows the AttributeError.
"""
# /// case
# claim = "From 3.14, multiprocessing.Lock, RLock, Semaphore and BoundedSemaphore have locked(), which a child process sees True while the parent holds them."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.Lock.locked"
# ids = ["D80"]
# timeout = 60
#
# [expect]
# stdout = """
# Lock: held by the parent, locked() in a child: True; released: False
# RLock: held by the parent, locked() in a child: True; released: False
# Semaphore: held by the parent, locked() in a child: True; released: False
# BoundedSemaphore: held by the parent, locked() in a child: True; released: False
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# Lock: AttributeError: 'Lock' object has no attribute 'locked'
# RLock: AttributeError: 'RLock' object has no attribute 'locked'
# Semaphore: AttributeError: 'Semaphore' object has no attribute 'locked'
# BoundedSemaphore: AttributeError: 'BoundedSemaphore' object has no attribute 'locked'
# """
# ///
import multiprocessing


def report(primitive, answer):
    answer.put(primitive.locked())


def locked_in_child(primitive):
    answer = multiprocessing.SimpleQueue()
    child = multiprocessing.Process(target=report, args=(primitive, answer))
    child.start()
    seen = answer.get()
    child.join(30)
    return seen


if __name__ == "__main__":
    for name in ["Lock", "RLock", "Semaphore", "BoundedSemaphore"]:
        primitive = getattr(multiprocessing, name)()
        try:
            primitive.locked()
        except AttributeError as e:
            print(f"{name}: AttributeError: {e}")
            continue
        primitive.acquire()
        held = locked_in_child(primitive)
        primitive.release()
        print(f"{name}: held by the parent, locked() in a child: {held}; released: {locked_in_child(primitive)}")
