"""From 3.12, fork in a process with other threads raises a DeprecationWarning, via Process and ProcessPoolExecutor.

``os.fork()`` (Modules/posixmodule.c, ``warn_about_fork_with_threads``, new in 3.12) counts the threads of the
process after the fork and, if there are more than one, warns ``DeprecationWarning: This process (pid=N) is
multi-threaded, use of fork() may lead to deadlocks in the child.``  The fork start method calls ``os.fork()``
in ``Popen._launch`` (multiprocessing/popen_fork.py), so a ``Process`` started with the fork context while a
second thread runs warns, and so does a ``ProcessPoolExecutor`` whose ``mp_context`` is the fork context (it
forks its workers in ``submit``).  The warning is only emitted where Python can count the threads (Linux, macOS).

The case runs a helper thread that waits on an Event, records the warnings, and prints the categories seen and
whether the message says "multi-threaded".  PyPy's ``os.fork`` has no such check.
"""
# /// case
# claim = "From Python 3.12, starting a fork-method process (Process or ProcessPoolExecutor with a fork mp_context) while other threads run raises a DeprecationWarning."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D62", "D63"]
# timeout = 30
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# Process: DeprecationWarning about a multi-threaded fork: True
# ProcessPoolExecutor: DeprecationWarning about a multi-threaded fork: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.12"
# stdout = """
# Process: DeprecationWarning about a multi-threaded fork: False
# ProcessPoolExecutor: DeprecationWarning about a multi-threaded fork: False
# """
# ///
import multiprocessing
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor


def noop():
    return 0


def warned(caught):
    return any(issubclass(w.category, DeprecationWarning) and "multi-threaded" in str(w.message) for w in caught)


if __name__ == "__main__":
    fork = multiprocessing.get_context("fork")
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            p = fork.Process(target=noop)
            p.start()
            p.join()
        print(f"Process: DeprecationWarning about a multi-threaded fork: {warned(caught)}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with ProcessPoolExecutor(max_workers=1, mp_context=fork) as executor:
                executor.submit(noop).result()
        print(f"ProcessPoolExecutor: DeprecationWarning about a multi-threaded fork: {warned(caught)}")
    finally:
        stop.set()
        helper.join()
