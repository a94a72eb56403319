"""Working with an event loop from another OS thread: ``loop.call_soon_threadsafe()`` wakes the loop and runs the
callback in the loop's thread, and ``asyncio.run_coroutine_threadsafe()`` (the docs' example) returns a
``concurrent.futures.Future`` whose ``result()`` is the coroutine's return value (42).

``Lib/asyncio/base_events.py``, ``call_soon_threadsafe``: ``self._write_to_self()`` writes a byte to the loop's
self-pipe so that a loop blocked in its selector wakes up; ``tasks.py``, ``run_coroutine_threadsafe``:
``loop.call_soon_threadsafe(callback)`` creates the task and chains it to a ``concurrent.futures.Future``.  The
loop waits on a future only the other thread's callback completes, with nothing else scheduled.
"""
# /// case
# claim = "call_soon_threadsafe() runs a callback from another thread in the loop's thread, and run_coroutine_threadsafe() returns a concurrent.futures.Future with the coroutine's result."
# source = "https://docs.python.org/3.14/library/asyncio-dev.html#concurrency-and-multithreading"
# ids = ["T51", "T52"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# call_soon_threadsafe() callback ran in: MainThread
# run_coroutine_threadsafe() returned a concurrent.futures.Future: True
# its result(): 42
# """
# stderr = ""
# ///
import asyncio
import concurrent.futures
import threading


async def coro_func():
    return await asyncio.sleep(0, 42)  # the docs sleep 1 s


def other_thread(loop, fut, out):
    loop.call_soon_threadsafe(lambda: fut.set_result(threading.current_thread().name))
    future = asyncio.run_coroutine_threadsafe(coro_func(), loop)
    out.append(type(future))
    out.append(future.result(timeout=30))


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    out = []
    t = threading.Thread(target=other_thread, args=(loop, fut, out), name="other")
    t.start()
    ran_in = await fut
    await loop.run_in_executor(None, t.join)
    print(f"call_soon_threadsafe() callback ran in: {ran_in}")
    print(f"run_coroutine_threadsafe() returned a concurrent.futures.Future: {out[0] is concurrent.futures.Future}")
    print(f"its result(): {out[1]}")


if __name__ == "__main__":
    asyncio.run(main())
