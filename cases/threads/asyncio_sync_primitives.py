"""asyncio's synchronization primitives: from 3.10 they take no ``loop`` argument (TypeError; deprecated from
3.8); the Lock is fair (waiters acquire it in the order they started waiting); a BoundedSemaphore released above
its initial value raises ValueError; ``asyncio.Barrier`` (3.11) releases its parties together (the docs' example).

``Lib/asyncio/locks.py``: 3.10 ``class Lock(_ContextManagerMixin, mixins._LoopBoundMixin)`` with ``__init__(self)``
(3.8-3.9 ``__init__(self, *, loop=None)`` with a DeprecationWarning); ``Lock.release`` wakes ``self._waiters``,
a deque, from the left (``_wake_up_first``); ``BoundedSemaphore.release`` raises ``ValueError('BoundedSemaphore
released too many times')``; ``Barrier`` is new in 3.11.  Three waiters queue up on a held lock in a known order.
"""
# /// case
# claim = "asyncio primitives take no loop argument from 3.10; an asyncio.Lock is acquired in the order waiters queued; a BoundedSemaphore over-release raises ValueError; asyncio.Barrier (3.11) releases all parties together."
# source = "https://docs.python.org/3.14/library/asyncio-sync.html#asyncio-sync"
# ids = ["T69", "T70", "T71", "T72"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# asyncio.Lock(loop=loop): TypeError: Lock.__init__() got an unexpected keyword argument 'loop'; warnings: none
# the lock went to the waiters in the order: ['first', 'second', 'third']
# BoundedSemaphore(1).release() with none acquired: ValueError: BoundedSemaphore released too many times
# <asyncio.locks.Barrier object at 0x<addr> [filling, waiters:2/3]>
# <asyncio.locks.Barrier object at 0x<addr> [draining, waiters:0/3]>
# barrier passed
# <asyncio.locks.Barrier object at 0x<addr> [filling, waiters:0/3]>
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.8,<3.10"
# stdout = """
# asyncio.Lock(loop=loop): accepted; warnings: ['DeprecationWarning']
# the lock went to the waiters in the order: ['first', 'second', 'third']
# BoundedSemaphore(1).release() with none acquired: ValueError: BoundedSemaphore released too many times
# asyncio.Barrier: absent
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# asyncio.Lock(loop=loop): accepted; warnings: none
# the lock went to the waiters in the order: ['first', 'second', 'third']
# BoundedSemaphore(1).release() with none acquired: ValueError: BoundedSemaphore released too many times
# asyncio.Barrier: absent
# """
#
# [[expect.when]]
# python = ">=3.10,<3.11"
# stdout = """
# asyncio.Lock(loop=loop): TypeError: As of 3.10, the *loop* parameter was removed from Lock() since it is no longer necessary; warnings: none
# the lock went to the waiters in the order: ['first', 'second', 'third']
# BoundedSemaphore(1).release() with none acquired: ValueError: BoundedSemaphore released too many times
# asyncio.Barrier: absent
# """
# ///
import asyncio
import warnings


async def example_barrier():
    # barrier with 3 parties
    b = asyncio.Barrier(3)

    # create 2 new waiting tasks
    asyncio.create_task(b.wait())
    asyncio.create_task(b.wait())

    await asyncio.sleep(0)
    print(b)

    # The third .wait() call passes the barrier
    await b.wait()
    print(b)
    print("barrier passed")

    await asyncio.sleep(0)
    print(b)


async def main():
    loop = asyncio.get_running_loop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            asyncio.Lock(loop=loop)
            outcome = "accepted"
        except TypeError as e:
            outcome = f"TypeError: {e}"
    kinds = sorted({w.category.__name__ for w in caught}) or "none"
    print(f"asyncio.Lock(loop=loop): {outcome}; warnings: {kinds}")

    lock = asyncio.Lock()
    order = []

    async def waiter(name):
        async with lock:
            order.append(name)

    await lock.acquire()
    tasks = []
    for name in ("first", "second", "third"):
        tasks.append(asyncio.ensure_future(waiter(name)))
        await asyncio.sleep(0)  # this waiter is now queued on the lock
    lock.release()
    await asyncio.gather(*tasks)
    print(f"the lock went to the waiters in the order: {order}")

    sem = asyncio.BoundedSemaphore(1)
    try:
        sem.release()
    except ValueError as e:
        print(f"BoundedSemaphore(1).release() with none acquired: ValueError: {e}")
    if hasattr(asyncio, "Barrier"):
        await example_barrier()
    else:
        print("asyncio.Barrier: absent")


if __name__ == "__main__":
    asyncio.run(main())
