"""asyncio.to_thread runs a blocking function in a thread and lets a coroutine await it: from Python 3.9 only.

``asyncio.to_thread(func, *args)`` (Lib/asyncio/threads.py, new in 3.9) is ``loop.run_in_executor(None, ...)``
with one addition: it runs ``func`` inside a copy of the caller's ``contextvars`` context, so a context
variable set in the coroutine is visible in the thread (plain ``run_in_executor`` does not copy it).

Three blocking calls gathered together run at the same time in the default executor's threads (it has
``min(32, cpu_count + 4)`` >= 5 threads).  Each call waits at a ``threading.Barrier(3)`` that opens only once all
three are running: it opens when they run concurrently, and would time out (after a generous 30 s) if they ran one
after the other.  This shows the overlap without measuring time, so it holds on a loaded machine.

On 3.7 and 3.8 the function does not exist: the case fails there with AttributeError, which is recorded as
the claim not holding on those versions.
"""
# /// case
# claim = "asyncio.to_thread runs blocking functions in threads, concurrently, with the caller's context variables, and the coroutine awaits their results."
# source = "seed §协程"
# ids = ["S16"]
# timeout = 60
#
# [expect]
# stdout = """
# results: [0, 1, 4]
# ran in worker threads: True
# context variable seen in the thread: True
# the three calls ran at the same time (a Barrier(3) inside them opened): True
# """
# exit = 0
#
# # asyncio.to_thread was added in 3.9.
# [[expect.when]]
# python = "<3.9"
# stdout = ""
# exception = "AttributeError: module 'asyncio' has no attribute 'to_thread'"
# exit = 1
# holds = false
# ///
import asyncio
import contextvars
import threading
import time

request_id = contextvars.ContextVar("request_id", default=None)


all_running = threading.Barrier(3)


def blocking_io(x):
    try:
        all_running.wait(30)  # opens only when all three calls are running at once
        together = True
    except threading.BrokenBarrierError:
        together = False
    time.sleep(0.3)  # stands for a blocking call
    return x * x, threading.current_thread() is not threading.main_thread(), request_id.get(), together


async def main():
    request_id.set("req-42")
    results = await asyncio.gather(*(asyncio.to_thread(blocking_io, x) for x in range(3)))
    print(f"results: {[value for value, _, _, _ in results]}")
    print(f"ran in worker threads: {all(in_thread for _, in_thread, _, _ in results)}")
    print(f"context variable seen in the thread: {all(seen == 'req-42' for _, _, seen, _ in results)}")
    print(f"the three calls ran at the same time (a Barrier(3) inside them opened): "
          f"{all(together for *_, together in results)}")


if __name__ == "__main__":
    asyncio.run(main())
