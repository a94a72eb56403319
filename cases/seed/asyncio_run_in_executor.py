"""asyncio hands blocking work to a thread pool and CPU work to a process pool with loop.run_in_executor.

The post's title names coroutines (协程) but never writes about them; this case fills the gap.
``loop.run_in_executor(executor, func, *args)`` submits ``func`` to a ``concurrent.futures`` executor and wraps
the returned ``concurrent.futures.Future`` in an asyncio future (``futures.wrap_future`` in
Lib/asyncio/base_events.py), so a coroutine can ``await`` the result while the event loop keeps running other
coroutines.  ``executor=None`` means the loop's default ``ThreadPoolExecutor``, created on first use.

With a ``ProcessPoolExecutor`` the function and its arguments are pickled to a worker process, as for any
process pool, so it works under every start method as long as the function is importable (module level).

A ticker coroutine counts how often it ran while each call was in progress: a non-zero count shows the loop
was not blocked.  Facts are printed instead of thread and process names, which differ by start method.

PyPy 3.9 (7.3.11) cannot run a ``ProcessPoolExecutor`` under spawn or forkserver at all: ``submit()`` calls
``self._adjust_process_count()`` whenever ``_safe_to_dynamically_spawn_children`` (any start method but fork),
and PyPy's copy of Lib/concurrent/futures/process.py renamed the method ``_adjust_process_count_cpython`` (line
671) but kept the call (line 723), so the first ``submit()`` raises ``AttributeError`` (pypy/pypy#3873, #3910).
That is a known PyPy bug, not the behaviour the post describes; PyPy 3.11 has the method again.

Under Wine 8.0 the case skips itself (exit 77): Wine 8's pipes lose a zero-length message once ``poll()`` has seen
it, and ProcessPoolExecutor wakes its manager thread with such messages, so the executor hangs there now and then
(timeouts of this and the other executor cases; the stacks of the hung cells end in ``_ThreadWakeup.clear()`` ->
``recv_bytes()``), a result that says nothing about Windows.  ``empty_messages_lost()`` tests for the loss itself,
not for a Wine version; Wine 10.0 keeps the message and runs the case.
"""
# /// case
# claim = "asyncio code can await blocking work run in a thread pool and CPU work run in a process pool with loop.run_in_executor, without blocking the event loop, under every start method."
# source = "seed §协程"
# ids = ["S16"]
# timeout = 60
#
# [expect]
# stdout = """
# default executor (None): result 9, ran in a worker thread: True, loop kept running: True
# ThreadPoolExecutor: result 16, ran in a worker thread: True, loop kept running: True
# ProcessPoolExecutor: result 25, ran in another process: True, loop kept running: True
# ProcessPoolExecutor: 3 calls gathered: [0, 1, 4]
# """
# exit = 0
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["spawn", "forkserver"]
# stdout = """
# default executor (None): result 9, ran in a worker thread: True, loop kept running: True
# ThreadPoolExecutor: result 16, ran in a worker thread: True, loop kept running: True
# """
# exception = "AttributeError: 'ProcessPoolExecutor' object has no attribute '_adjust_process_count'"
# exit = 1
# known_bug = "PyPy 3.9 (7.3.11): ProcessPoolExecutor.submit() calls self._adjust_process_count() when the start method is not fork, but PyPy's concurrent/futures/process.py renamed that method _adjust_process_count_cpython (line 671; the call is line 723): https://github.com/pypy/pypy/issues/3873, https://github.com/pypy/pypy/issues/3910"
# ///
import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def blocking_io(x):
    time.sleep(0.3)  # stands for a blocking call (file, socket, a library without async support)
    return x * x, threading.current_thread() is not threading.main_thread()


def cpu_bound(x):
    time.sleep(0.3)  # stands for computation; a process pool sidesteps the GIL
    return x * x, os.getpid()


async def ticker(stop):
    ticks = 0
    while not stop.is_set():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks


async def while_ticking(loop, executor, func, x):
    """Run func(x) in executor; return its result and how often the loop ran the ticker meanwhile."""
    stop = asyncio.Event()
    ticks = asyncio.ensure_future(ticker(stop))
    result = await loop.run_in_executor(executor, func, x)
    stop.set()
    return result, await ticks


async def main():
    loop = asyncio.get_running_loop()

    (value, in_thread), ticks = await while_ticking(loop, None, blocking_io, 3)
    print(f"default executor (None): result {value}, ran in a worker thread: {in_thread}, loop kept running: {ticks > 2}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        (value, in_thread), ticks = await while_ticking(loop, pool, blocking_io, 4)
    print(f"ThreadPoolExecutor: result {value}, ran in a worker thread: {in_thread}, loop kept running: {ticks > 2}")

    with ProcessPoolExecutor(max_workers=2) as pool:
        (value, pid), ticks = await while_ticking(loop, pool, cpu_bound, 5)
        print(f"ProcessPoolExecutor: result {value}, ran in another process: {pid != os.getpid()}, loop kept running: {ticks > 2}")
        results = await asyncio.gather(*(loop.run_in_executor(pool, cpu_bound, x) for x in range(3)))
        print(f"ProcessPoolExecutor: 3 calls gathered: {[value for value, _ in results]}")


def empty_messages_lost():
    """True where a zero-length message is lost once poll() has seen it: on Wine 8.0's named pipes poll() is True,
    then recv_bytes() returns the message after it (or blocks until there is one).  ProcessPoolExecutor wakes its
    manager thread with such messages (``_ThreadWakeup.wakeup()`` sends ``b""``; ``clear()`` does ``while
    poll(): recv_bytes()``), so there it hangs now and then.  Windows, Wine 10.0 and POSIX pipes keep the message."""
    import multiprocessing
    reader, writer = multiprocessing.Pipe(duplex=False)
    writer.send_bytes(b"")
    reader.poll()  # as _ThreadWakeup.clear() does before it reads
    writer.send_bytes(b"x")
    return reader.recv_bytes() != b""


if __name__ == "__main__":
    if sys.platform == "win32" and empty_messages_lost():
        print("skipped: a zero-length pipe message is lost here once poll() has seen it (b'' sent, poll(), b'x' "
              "sent, b'x' received: Wine 8.0's pipes), and ProcessPoolExecutor's wakeup is such a message: a hang "
              "here would be Wine's, not the executor's", file=sys.stderr)
        sys.exit(77)
    asyncio.run(main())
