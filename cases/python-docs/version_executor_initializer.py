"""Executor initializers (3.7): each worker runs initializer(*initargs) first; if it raises, the pool is broken.

3.7 added ``initializer``/``initargs`` to ``ThreadPoolExecutor`` and ``ProcessPoolExecutor``.  A worker thread
(``_worker`` in concurrent/futures/thread.py) or process (``_process_worker`` in process.py) calls the
initializer before taking work; if it raises, the worker logs ``Exception in initializer:`` with the traceback
on stderr and marks the executor broken: pending and later futures fail with ``BrokenThreadPool`` or
``BrokenProcessPool``, both subclasses of ``BrokenExecutor`` (new in 3.7), itself a ``RuntimeError``.
A process pool also breaks when a worker dies abruptly (3.3): here a task calls ``os._exit``.

The initializer of the working pools sets a module global that the task returns, which shows it ran in the
worker before the task.  stderr (the logged tracebacks) is not checked.

Under Wine 8.0 the case skips itself (exit 77): Wine 8's pipes lose a zero-length message once ``poll()`` has seen
it, and ProcessPoolExecutor wakes its manager thread with such messages, so the executor hangs there now and then
(timeouts of this and the other executor cases; the stacks of the hung cells end in ``_ThreadWakeup.clear()`` ->
``recv_bytes()``), a result that says nothing about Windows.  ``empty_messages_lost()`` tests for the loss itself,
not for a Wine version; Wine 10.0 keeps the message and runs the case.
"""
# /// case
# claim = "ThreadPoolExecutor and ProcessPoolExecutor run initializer(*initargs) in each worker (3.7); an initializer that raises breaks the pool (BrokenThreadPool, BrokenProcessPool, both BrokenExecutor), and so does a process worker that dies abruptly."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor"
# ids = ["D86", "D87", "D88"]
# timeout = 60
#
# [expect]
# stdout = """
# ThreadPoolExecutor: the task saw the initializer's value: 'set by initializer'
# ThreadPoolExecutor: failing initializer -> BrokenThreadPool (a BrokenExecutor: True)
# ProcessPoolExecutor: the task saw the initializer's value: 'set by initializer'
# ProcessPoolExecutor: failing initializer -> BrokenProcessPool (a BrokenExecutor: True)
# ProcessPoolExecutor: a worker exited abruptly -> BrokenProcessPool (a RuntimeError: True)
# """
# exit = 0
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["spawn", "forkserver"]
# stdout = """
# ThreadPoolExecutor: the task saw the initializer's value: 'set by initializer'
# ThreadPoolExecutor: failing initializer -> BrokenThreadPool (a BrokenExecutor: True)
# """
# exception = "AttributeError: 'ProcessPoolExecutor' object has no attribute '_adjust_process_count'"
# exit = 1
# known_bug = "PyPy 3.9 (7.3.10, 7.3.11) renamed ProcessPoolExecutor._adjust_process_count to _adjust_process_count_cpython but submit() still calls the old name, so submit fails with any non-fork context (https://github.com/pypy/pypy/issues/3873, #3910, #4922)."
# ///
import os
import sys
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor, ThreadPoolExecutor

value = "unset"


def init(text):
    global value
    value = text


def fail():
    raise ValueError("initializer failed")


def read_value():
    return value


def outcome(future, base):
    try:
        future.result(timeout=30)
    except Exception as e:
        return f"{type(e).__name__} (a {base.__name__}: {isinstance(e, base)})"
    return "no exception"


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
    for kind in (ThreadPoolExecutor, ProcessPoolExecutor):
        with kind(max_workers=1, initializer=init, initargs=("set by initializer",)) as executor:
            print(f"{kind.__name__}: the task saw the initializer's value: {executor.submit(read_value).result()!r}")
        with kind(max_workers=1, initializer=fail) as executor:
            print(f"{kind.__name__}: failing initializer -> {outcome(executor.submit(read_value), BrokenExecutor)}")
    with ProcessPoolExecutor(max_workers=1) as executor:
        print(f"ProcessPoolExecutor: a worker exited abruptly -> {outcome(executor.submit(os._exit, 3), RuntimeError)}")
