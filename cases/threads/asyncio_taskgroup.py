"""``asyncio.TaskGroup`` (3.11): the ``async with`` block waits for all its tasks (the docs' example prints
``Both tasks have completed now``); when a task fails, the others are cancelled and the failures are raised
together in an ExceptionGroup (``except*`` can handle them by type).

``Lib/asyncio/taskgroups.py``, ``_on_task_done``: on an exception other than CancelledError ``self._errors.append
(exc)`` and ``self._abort()`` cancels every unfinished task; ``__aexit__`` raises ``BaseExceptionGroup('unhandled
errors in a TaskGroup', self._errors)``.  The long task waits on a future nobody completes, so it can only end by
cancellation.  Before 3.11 there is no TaskGroup (and ``except*`` does not parse, hence the exec).
"""
# /// case
# claim = "asyncio.TaskGroup (3.11) waits for all its tasks; a failing task cancels the others and the errors are raised as an ExceptionGroup."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#task-groups"
# ids = ["T58", "T59"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# Both tasks have completed now: 1, 2
# ExceptionGroup: unhandled errors in a TaskGroup: ["ValueError('a')"]; cancelled: ['long']
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.9,<3.10"
# stdout = """
# asyncio.TaskGroup: absent in 3.9
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# asyncio.TaskGroup: absent in 3.7
# """
#
# [[expect.when]]
# python = ">=3.8,<3.9"
# stdout = """
# asyncio.TaskGroup: absent in 3.8
# """
#
# [[expect.when]]
# python = ">=3.10,<3.11"
# stdout = """
# asyncio.TaskGroup: absent in 3.10
# """
# ///
import asyncio
import sys


async def some_coro():
    await asyncio.sleep(0)
    return 1


async def another_coro():
    await asyncio.sleep(0)
    return 2


async def main():
    async with asyncio.TaskGroup() as tg:
        task1 = tg.create_task(some_coro())
        task2 = tg.create_task(another_coro())
    print(f"Both tasks have completed now: {task1.result()}, {task2.result()}")

    cancelled = []

    async def long():
        try:
            await asyncio.get_running_loop().create_future()
        except asyncio.CancelledError:
            cancelled.append("long")
            raise

    async def fail(message):
        await asyncio.sleep(0)
        raise ValueError(message)

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(long())
            tg.create_task(fail("a"))
    except ExceptionGroup as eg:  # noqa: F821 (3.11+)
        print(f"{type(eg).__name__}: {eg.message}: {[repr(e) for e in eg.exceptions]}; cancelled: {cancelled}")


if __name__ == "__main__":
    if not hasattr(asyncio, "TaskGroup"):
        print(f"asyncio.TaskGroup: absent in {sys.version_info[0]}.{sys.version_info[1]}")
    else:
        asyncio.run(main())
