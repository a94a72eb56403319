"""``asyncio.wait()`` takes tasks and futures: from 3.11 passing coroutine objects is forbidden (TypeError); 3.8-3.10
wrap them in tasks with a DeprecationWarning, 3.7 silently.

``Lib/asyncio/tasks.py``, ``wait``: 3.8 adds ``if any(coroutines.iscoroutine(f) for f in fs): warnings.warn("The
explicit passing of coroutine objects to asyncio.wait() is deprecated ...", DeprecationWarning)``; 3.11 replaces
it with ``raise TypeError("Passing coroutines is forbidden, use tasks explicitly.")``.
"""
# /// case
# claim = "From 3.11 passing coroutine objects to asyncio.wait() raises TypeError (deprecated from 3.8)."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#asyncio.wait"
# ids = ["T64"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# asyncio.wait([a coroutine]): TypeError: Passing coroutines is forbidden, use tasks explicitly.; warnings: none
# asyncio.wait([a task]): ['done']
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.9,<3.11"
# stdout = """
# asyncio.wait([a coroutine]): ran it: ['done']; warnings: ['DeprecationWarning']
# asyncio.wait([a task]): ['done']
# """
#
# [[expect.when]]
# python = "<3.9"
# stdout = """
# asyncio.wait([a coroutine]): ran it: ['done']; warnings: none
# asyncio.wait([a task]): ['done']
# """
#
# # 3.8: the docs date the deprecation to 3.8, but the warning is in 3.9's tasks.py only.
# [[expect.when]]
# python = ">=3.8,<3.9"
# holds = false
# ///
import asyncio
import warnings


async def work():
    await asyncio.sleep(0)
    return "done"


async def main():
    coro = work()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            done, pending = await asyncio.wait([coro])
            outcome = f"ran it: {[t.result() for t in done]}"
        except TypeError as e:
            coro.close()
            outcome = f"TypeError: {e}"
    kinds = sorted({w.category.__name__ for w in caught}) or "none"
    print(f"asyncio.wait([a coroutine]): {outcome}; warnings: {kinds}")
    task = asyncio.ensure_future(work())
    done, pending = await asyncio.wait([task])
    print(f"asyncio.wait([a task]): {[t.result() for t in done]}")


if __name__ == "__main__":
    asyncio.run(main())
