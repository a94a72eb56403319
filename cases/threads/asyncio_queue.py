"""``asyncio.Queue``: a PriorityQueue hands out its lowest entry first and a LifoQueue its newest;
``task_done()``/``join()`` work as for ``queue.Queue``; and ``shutdown()`` (3.13) makes ``put()`` raise
QueueShutDown and ``get()`` raise it once the queue is empty, waking a task blocked in ``get()``.

``Lib/asyncio/queues.py``: ``PriorityQueue._get`` is ``heappop(self._queue)``, ``LifoQueue._get`` is
``self._queue.pop()``; 3.13 adds ``QueueShutDown`` and ``Queue.shutdown(immediate=False)``, which wakes the
``_getters`` futures so that ``get`` raises ``QueueShutDown`` ``if self._is_shutdown and self.empty()``.
"""
# /// case
# claim = "asyncio's PriorityQueue returns the lowest entry first and LifoQueue the newest; asyncio.Queue.shutdown() (3.13) makes put() raise QueueShutDown and get() raise it once empty, waking blocked getters."
# source = "https://docs.python.org/3.14/library/asyncio-queue.html#asyncio.Queue.shutdown"
# ids = ["T78", "T79"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# PriorityQueue: [1, 2, 3], LifoQueue: [2, 1, 3]
# join() returned after three task_done() calls
# asyncio.Queue.shutdown: absent
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# PriorityQueue: [1, 2, 3], LifoQueue: [2, 1, 3]
# join() returned after three task_done() calls
# put() after shutdown(): QueueShutDown
# get() after shutdown(): 'a'
# a task blocked in get() when shutdown() is called: QueueShutDown
# """
# ///
import asyncio


async def main():
    pq, lq = asyncio.PriorityQueue(), asyncio.LifoQueue()
    for item in (3, 1, 2):
        pq.put_nowait(item)
        lq.put_nowait(item)
    print(f"PriorityQueue: {[pq.get_nowait() for _ in range(3)]}, LifoQueue: {[lq.get_nowait() for _ in range(3)]}")

    q = asyncio.Queue()

    async def worker():
        while True:
            await q.get()
            q.task_done()

    w = asyncio.create_task(worker())
    for i in range(3):
        q.put_nowait(i)
    await q.join()
    print("join() returned after three task_done() calls")
    w.cancel()

    if not hasattr(q, "shutdown"):
        print("asyncio.Queue.shutdown: absent")
        return
    q = asyncio.Queue()
    q.put_nowait("a")
    q.shutdown()
    try:
        q.put_nowait("b")
    except asyncio.QueueShutDown:
        print("put() after shutdown(): QueueShutDown")
    print(f"get() after shutdown(): {await q.get()!r}")
    q = asyncio.Queue()
    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)  # the getter is now blocked in get()
    q.shutdown()
    try:
        await getter
    except asyncio.QueueShutDown:
        print("a task blocked in get() when shutdown() is called: QueueShutDown")


if __name__ == "__main__":
    asyncio.run(main())
