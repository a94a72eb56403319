"""``asyncio.to_thread()`` (3.9) runs a blocking function in a separate thread and returns its result, with the
caller's ``contextvars`` context propagated; the docs' example shows the loop running another coroutine meanwhile.

``Lib/asyncio/threads.py``: ``ctx = contextvars.copy_context(); func_call = functools.partial(ctx.run, func,
*args, **kwargs); return await loop.run_in_executor(None, func_call)``.  The docs' ``blocking_io`` sleeps 1 s
while ``asyncio.sleep(1)`` runs; here the blocking function waits on a threading.Event that the concurrent
coroutine sets, which it can only do if the loop kept running.  3.7-3.8 have no ``to_thread``.
"""
# /// case
# claim = "asyncio.to_thread() (3.9) runs a function in a separate thread, with the caller's context variables, without blocking the event loop."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#asyncio.to_thread"
# ids = ["T56"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# blocking_io ran in a thread other than the loop's: True
# the loop ran another coroutine meanwhile: True
# blocking_io saw request='r-1'
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.9"
# exit = 1
# exception = "AttributeError: module 'asyncio' has no attribute 'to_thread'"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/to_thread_context.py", line [..], in <module>
#     asyncio.run(main())
#   [stdlib frames]
#   File "<case>/to_thread_context.py", line [..], in main
#     (off_loop, released_meanwhile, seen), _ = await asyncio.gather(asyncio.to_thread(blocking_io), other())
# AttributeError: module 'asyncio' has no attribute 'to_thread'
# """
# stdout = ""
# ///
import asyncio
import contextvars
import threading

request = contextvars.ContextVar("request")
released = threading.Event()


def blocking_io():
    off_loop = threading.current_thread() is not threading.main_thread()
    released_meanwhile = released.wait(timeout=30)  # set by other(), which runs only if the loop is not blocked
    return off_loop, released_meanwhile, request.get()


async def other():
    await asyncio.sleep(0)
    released.set()


async def main():
    request.set("r-1")
    (off_loop, released_meanwhile, seen), _ = await asyncio.gather(asyncio.to_thread(blocking_io), other())
    print(f"blocking_io ran in a thread other than the loop's: {off_loop}")
    print(f"the loop ran another coroutine meanwhile: {released_meanwhile}")
    print(f"blocking_io saw request={seen!r}")


if __name__ == "__main__":
    asyncio.run(main())
