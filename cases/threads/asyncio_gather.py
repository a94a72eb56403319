"""``asyncio.gather()``: the results come in the order of the awaitables, not of completion (the docs' factorial
example); with ``return_exceptions=True`` an exception is returned in its place; and cancelling the gather cancels
every awaitable not yet done.

``Lib/asyncio/tasks.py``, ``gather``: ``_GatheringFuture.cancel`` cancels each child; ``_done_callback`` builds
``results`` by iterating ``children`` in argument order.  The factorial example is run with ``asyncio.sleep(0)``
instead of 1 s; the cancelled children wait on futures nothing completes.
"""
# /// case
# claim = "asyncio.gather() returns results in the order of its arguments, returns exceptions in place with return_exceptions=True, and cancelling it cancels the unfinished awaitables."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#asyncio.gather"
# ids = ["T65", "T66"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# Task A: Compute factorial(2), currently i=2...
# Task B: Compute factorial(3), currently i=2...
# Task C: Compute factorial(4), currently i=2...
# Task A: factorial(2) = 2
# Task B: Compute factorial(3), currently i=3...
# Task C: Compute factorial(4), currently i=3...
# Task B: factorial(3) = 6
# Task C: Compute factorial(4), currently i=4...
# Task C: factorial(4) = 24
# [2, 6, 24]
# Task D: factorial(1) = 1
# [ValueError('failed'), 1]
# gather cancelled; its children cancelled: [True, True]
# """
# stderr = ""
# ///
import asyncio


async def factorial(name, number):
    f = 1
    for i in range(2, number + 1):
        print(f"Task {name}: Compute factorial({number}), currently i={i}...")
        await asyncio.sleep(0)
        f *= i
    print(f"Task {name}: factorial({number}) = {f}")
    return f


async def fail():
    raise ValueError("failed")


async def main():
    # Schedule three calls *concurrently*:
    L = await asyncio.gather(
        factorial("A", 2),
        factorial("B", 3),
        factorial("C", 4),
    )
    print(L)
    print(await asyncio.gather(fail(), factorial("D", 1), return_exceptions=True))
    loop = asyncio.get_running_loop()
    children = [asyncio.ensure_future(loop.create_future()) for _ in range(2)]
    outer = asyncio.gather(*children)
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print(f"gather cancelled; its children cancelled: {[c.cancelled() for c in children]}")


if __name__ == "__main__":
    asyncio.run(main())
