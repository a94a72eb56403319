"""Process methods added over time: kill() and close() (3.7), parent_process() (3.8), interrupt() (3.14).

``Process.kill()`` sends SIGKILL (``Popen.kill`` -> ``_send_signal(signal.SIGKILL)``), so ``exitcode`` becomes
``-9``; on Windows ``Popen.kill`` is ``Popen.terminate`` (``popen_spawn_win32``: ``TerminateProcess`` with exit code
``TERMINATE``, which ``wait()`` reports as ``-signal.SIGTERM``), so ``exitcode`` becomes ``-15``.  ``Process.close()`` releases the ``Popen`` object; afterwards ``_check_closed()`` makes most attributes
raise ``ValueError: process object is closed``.  ``multiprocessing.parent_process()`` (3.8) returns a
``Process``-like object for the parent in a child, ``None`` in the main process.  ``Process.interrupt()`` (3.14,
``Popen.interrupt`` -> ``_send_signal(signal.SIGINT)``) raises ``KeyboardInterrupt`` in the child; uncaught, it
ends the child with exit code 1 (``BaseProcess._bootstrap`` maps any other exception to 1).

The case starts each child only after the previous one is gone, waits for an Event before signalling (the child
is then running Python code, its handlers installed), and prints exit codes and exception lines.  On versions
without a method, the line shows the AttributeError instead.  The child silences its stderr so that the
KeyboardInterrupt traceback does not end up in the output.
"""
# /// case
# claim = "Process.kill() and Process.close() exist from 3.7, multiprocessing.parent_process() from 3.8, and Process.interrupt() from 3.14 (SIGINT: KeyboardInterrupt in the child, exit code 1)."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.Process.interrupt"
# ids = ["D64", "D65", "D66", "D67"]
# timeout = 60
#
# [expect]
# stdout = """
# kill(): exitcode -9
# after close(): ValueError: process object is closed
# parent_process() in the child: the main process: True
# parent_process() in the main process: None
# interrupt(): exitcode 1
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# kill(): exitcode -9
# after close(): ValueError: process object is closed
# parent_process() in the child: the main process: True
# parent_process() in the main process: None
# interrupt(): AttributeError: 'Process' object has no attribute 'interrupt'
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# kill(): exitcode -9
# after close(): ValueError: process object is closed
# parent_process(): AttributeError: module 'multiprocessing' has no attribute 'parent_process'
# interrupt(): AttributeError: 'Process' object has no attribute 'interrupt'
# """
#
# # Predicted for Windows from the stdlib's Windows code, not observed there; Wine 8.0 and 10.0 showed it (below).
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.8,<3.14"
# stdout = """
# kill(): exitcode -15
# after close(): ValueError: process object is closed
# parent_process() in the child: the main process: True
# parent_process() in the main process: None
# interrupt(): AttributeError: 'Process' object has no attribute 'interrupt'
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = ">=3.8,<3.14"
# stdout = """
# kill(): exitcode -15
# after close(): ValueError: process object is closed
# parent_process() in the child: the main process: True
# parent_process() in the main process: None
# interrupt(): AttributeError: 'Process' object has no attribute 'interrupt'
# """
# ///
import multiprocessing
import os
import sys
import time


def wait_forever(ready):
    sys.stderr = open(os.devnull, "w")
    ready.set()
    while True:
        time.sleep(0.05)


def report_parent(main_pid, answer):
    parent = multiprocessing.parent_process()
    answer.put(parent is not None and parent.pid == main_pid)


def started_and_ready():
    ready = multiprocessing.Event()
    p = multiprocessing.Process(target=wait_forever, args=(ready,))
    p.start()
    if not ready.wait(30):
        raise SystemExit("the child did not start within 30 s")
    return p


if __name__ == "__main__":
    p = started_and_ready()
    p.kill()
    p.join(30)
    print(f"kill(): exitcode {p.exitcode}")
    p.close()
    try:
        p.exitcode
    except ValueError as e:
        print(f"after close(): ValueError: {e}")

    if hasattr(multiprocessing, "parent_process"):
        answer = multiprocessing.Queue()
        c = multiprocessing.Process(target=report_parent, args=(os.getpid(), answer))
        c.start()
        print(f"parent_process() in the child: the main process: {answer.get(timeout=30)}")
        c.join(30)
        print(f"parent_process() in the main process: {multiprocessing.parent_process()}")
    else:
        print("parent_process(): AttributeError: module 'multiprocessing' has no attribute 'parent_process'")

    p = started_and_ready()
    try:
        p.interrupt()
    except AttributeError as e:
        print(f"interrupt(): AttributeError: {e}")
        p.kill()
        p.join(30)
    else:
        p.join(30)
        print(f"interrupt(): exitcode {p.exitcode}")
