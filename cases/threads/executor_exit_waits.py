""""Regardless of the value of wait, the entire Python program will not exit until all pending futures are done
executing": after ``shutdown(wait=False)`` the main thread ends, and the running task still finishes (and prints)
before the program exits.  A ``submit()`` after ``shutdown()`` raises RuntimeError.

``Lib/concurrent/futures/thread.py``: 3.9+ registers ``threading._register_atexit(_python_exit)``, which sets
``_shutdown`` and joins every worker before the interpreter finalizes (3.7-3.8: ``atexit.register(_python_exit)``
and daemon workers, same effect); ``submit`` raises ``RuntimeError('cannot schedule new futures after
shutdown')``.  The task waits for an Event that the main thread sets as its last statement.
"""
# /// case
# claim = "Whatever shutdown(wait=...) said, the program does not exit until the executor's pending futures are done; submit() after shutdown() raises RuntimeError."
# source = "https://docs.python.org/3.14/library/concurrent.futures.html#concurrent.futures.Executor.shutdown"
# ids = ["T80", "T81"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# submit() after shutdown(): RuntimeError: cannot schedule new futures after shutdown
# main thread: last statement
# task: finished after the main thread's last statement
# """
# stderr = ""
# ///
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

main_done = threading.Event()


def task():
    main_done.wait()
    print("task: finished after the main thread's last statement")


if __name__ == "__main__":
    executor = ThreadPoolExecutor(max_workers=1)
    executor.submit(task)
    executor.shutdown(wait=False)
    try:
        executor.submit(task)
    except RuntimeError as e:
        print(f"submit() after shutdown(): RuntimeError: {e}")
    print("main thread: last statement")
    sys.stdout.flush()
    main_done.set()
