"""``asyncio.run()`` runs a coroutine in a new event loop and returns its result (the docs' example prints
``hello``); it refuses to run inside a running loop; from 3.14 it accepts any awaitable, where earlier versions
want a coroutine.

``Lib/asyncio/runners.py``: ``Runner.run`` raises ``RuntimeError("Runner.run() cannot be called from a running
event loop")`` (3.11+; 3.7-3.10 ``run`` says ``asyncio.run() cannot be called from a running event loop``); 3.14
``Runner.run`` wraps a non-coroutine awaitable (``if not coroutines.iscoroutine(coro): ... async def _wrap``),
where 3.13 raises ``ValueError("a coroutine was expected, got ...")``.  The awaitable is an object with
``__await__``; the docs' sleep of 1 s is kept at 0.
"""
# /// case
# claim = "asyncio.run() runs a coroutine and returns its result, cannot be called from a running event loop (RuntimeError), and accepts any awaitable from 3.14."
# source = "https://docs.python.org/3.14/library/asyncio-runner.html#asyncio.run"
# ids = ["T31", "T32"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# hello
# asyncio.run(main()) returned 42
# asyncio.run() inside a running loop: RuntimeError: asyncio.run() cannot be called from a running event loop
# asyncio.run(an awaitable that is not a coroutine): ValueError: a coroutine was expected, got <__main__.Awaitable object at 0x<addr>>
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# hello
# asyncio.run(main()) returned 42
# asyncio.run() inside a running loop: RuntimeError: asyncio.run() cannot be called from a running event loop
# asyncio.run(an awaitable that is not a coroutine) returned 'awaited'
# """
# ///
import asyncio


async def main():
    await asyncio.sleep(0)
    print('hello')
    return 42


class Awaitable:
    def __await__(self):
        yield from asyncio.sleep(0).__await__()
        return "awaited"


async def nested():
    coro = main()
    try:
        asyncio.run(coro)
    except RuntimeError as e:
        coro.close()
        return f"RuntimeError: {e}"


if __name__ == "__main__":
    print(f"asyncio.run(main()) returned {asyncio.run(main())}")
    print(f"asyncio.run() inside a running loop: {asyncio.run(nested())}")
    try:
        print(f"asyncio.run(an awaitable that is not a coroutine) returned {asyncio.run(Awaitable())!r}")
    except ValueError as e:
        print(f"asyncio.run(an awaitable that is not a coroutine): ValueError: {e}")
