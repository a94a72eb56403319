"""concurrent.futures.ProcessPoolExecutor gives back return values and re-raises a worker's exception.

The post's heading "获取返回值 › 使用concurrent.futures.ProcessPoolExecutor" has no text; this case fills it:
``submit(...).result()`` returns the value, ``map`` yields results in input order, and ``result()`` re-raises
an exception raised in the worker, chained (``__cause__``) to a ``_RemoteTraceback`` holding the worker's
formatted traceback (``_ExceptionWithTraceback`` in Lib/concurrent/futures/process.py).

The default worker count: ``ProcessPoolExecutor()`` with no ``max_workers`` uses ``os.cpu_count() or 1`` up to
3.12, and ``os.process_cpu_count() or 1`` from 3.13 (the CPUs this process may run on: its affinity mask),
capped at 61 on Windows (``_MAX_WINDOWS_WORKERS``).  The case prints facts, not numbers, so that it reads the
same on any machine; on Linux it then pins itself to one CPU (``os.sched_setaffinity``) to show the 3.13 change:
the pinned default is still ``os.cpu_count()`` before 3.13 and becomes 1 from 3.13.  On a one-CPU machine the
pinning shows nothing, so that part says "not applicable".
PyPy 3.11 follows CPython 3.11 (``os.cpu_count()``; it has no ``os.process_cpu_count``); PyPy 3.9 has no
``os.sched_setaffinity``, so it cannot pin itself ("not applicable here").

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
# claim = "ProcessPoolExecutor returns values through submit(...).result() and map (input order), re-raises a worker's exception from result(), and by default starts one worker per CPU."
# source = "seed §进程/获取返回值/使用concurrent.futures.ProcessPoolExecutor"
# ids = ["S14"]
# timeout = 60
#
# [expect]
# stdout = """
# submit(...).result(): 49
# map: [9, 4, 1, 0]
# result() re-raised: ValueError('negative input -1')
# its __cause__: _RemoteTraceback, holding the worker's traceback: True
# default max_workers == os.cpu_count(): True
# pinned to one CPU: default max_workers == os.cpu_count(): True
# pinned to one CPU: default max_workers == 1: False
# """
# exit = 0
#
# # 3.13 counts the CPUs the process may use (os.process_cpu_count), not all of them (os.cpu_count).
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# submit(...).result(): 49
# map: [9, 4, 1, 0]
# result() re-raised: ValueError('negative input -1')
# its __cause__: _RemoteTraceback, holding the worker's traceback: True
# default max_workers == os.cpu_count(): True
# pinned to one CPU: default max_workers == os.cpu_count(): False
# pinned to one CPU: default max_workers == 1: True
# """
#
# # Predicted, not observed on Windows or macOS (Wine 8.0 skips: see the docstring): written from the CPython
# # source.  macOS and Windows have no os.sched_setaffinity, so the case cannot pin itself; the rest is the same (on
# # Windows, a machine with more than 61 CPUs would print False for the default count, because of _MAX_WINDOWS_WORKERS).
# [[expect.when]]
# platform = ["darwin", "win32"]
# stdout = """
# submit(...).result(): 49
# map: [9, 4, 1, 0]
# result() re-raised: ValueError('negative input -1')
# its __cause__: _RemoteTraceback, holding the worker's traceback: True
# default max_workers == os.cpu_count(): True
# pinning to one CPU: not applicable here
# """
#
# # PyPy 3.9 has no os.sched_setaffinity (nor os.sched_getaffinity), so the case cannot pin itself there.
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# stdout = """
# submit(...).result(): 49
# map: [9, 4, 1, 0]
# result() re-raised: ValueError('negative input -1')
# its __cause__: _RemoteTraceback, holding the worker's traceback: True
# default max_workers == os.cpu_count(): True
# pinning to one CPU: not applicable here
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["spawn", "forkserver"]
# stdout = ""
# exception = "AttributeError: 'ProcessPoolExecutor' object has no attribute '_adjust_process_count'"
# exit = 1
# known_bug = "PyPy 3.9 (7.3.11): ProcessPoolExecutor.submit() calls self._adjust_process_count() when the start method is not fork, but PyPy's concurrent/futures/process.py renamed that method _adjust_process_count_cpython (line 671; the call is line 723): https://github.com/pypy/pypy/issues/3873, https://github.com/pypy/pypy/issues/3910"
# ///
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def func(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * x


def slow_square(x):
    time.sleep(0.05 * x)  # the first inputs take longest; map still yields in input order
    return x * x


def default_workers():
    executor = ProcessPoolExecutor()
    workers = executor._max_workers  # private, but the only place the default is visible
    executor.shutdown()  # no task was submitted: no worker was started
    return workers


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
    with ProcessPoolExecutor(max_workers=3) as executor:  # a fixed size: output must not depend on the CPU count
        print(f"submit(...).result(): {executor.submit(func, 7).result()}")
        print(f"map: {list(executor.map(slow_square, [3, 2, 1, 0]))}")
        future = executor.submit(func, -1)
        try:
            future.result()
        except ValueError as e:
            print(f"result() re-raised: {e!r}")
            cause = e.__cause__
            print(f"its __cause__: {type(cause).__name__}, holding the worker's traceback: {'in func' in str(cause)}")

    print(f"default max_workers == os.cpu_count(): {default_workers() == os.cpu_count()}")

    if hasattr(os, "sched_setaffinity") and os.cpu_count() > 1:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        workers = default_workers()
        print(f"pinned to one CPU: default max_workers == os.cpu_count(): {workers == os.cpu_count()}")
        print(f"pinned to one CPU: default max_workers == 1: {workers == 1}")
    elif hasattr(os, "sched_setaffinity"):
        print("pinning to one CPU: not applicable (one CPU only)")
    else:
        print("pinning to one CPU: not applicable here")
