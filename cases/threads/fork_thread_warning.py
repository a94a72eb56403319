"""From 3.12, ``os.fork()`` in a process where Python detects other threads raises a DeprecationWarning ("This
process is multi-threaded, use of fork() may lead to deadlocks in the child"), and not in a single-threaded one;
through multiprocessing, only the fork start method forks the program itself.

3.12 ``Modules/posixmodule.c``, ``warn_about_fork_with_threads``: counts the threads (``/proc/self/stat`` on Linux,
else ``threading._active``) after the fork and warns when there are more than one.  The direct ``os.fork()``
probes run in a fresh interpreter (``-I -W always``), so that nothing but the probe decides how many threads
there are.  In the cell, a Process started while a helper thread runs: under fork
``Popen._launch`` calls ``os.fork()`` here and warns; spawn execs through ``_posixsubprocess`` and forkserver
asks its server, so neither forks the program.  PyPy has no such warning.
"""
# /// case
# claim = "From 3.12 os.fork() raises a DeprecationWarning when the process has other threads, and not otherwise; of the start methods only fork forks the multi-threaded program."
# source = "https://docs.python.org/3.14/library/os.html#os.fork"
# ids = ["T88"]
# timeout = 60
# platforms = ["linux", "darwin"]
#
# [expect]
# exit = 0
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning False
# Process.start() under fork with a second thread running: DeprecationWarning False
# """
# stderr = ""
#
# [[expect.when]]
# start_method = ["spawn"]
# python = "<3.12"
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning False
# Process.start() under spawn with a second thread running: DeprecationWarning False
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# python = "<3.12"
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning False
# Process.start() under forkserver with a second thread running: DeprecationWarning False
# """
#
# [[expect.when]]
# start_method = ["fork"]
# python = ">=3.12"
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning True
# Process.start() under fork with a second thread running: DeprecationWarning True
# """
#
# [[expect.when]]
# start_method = ["spawn"]
# python = ">=3.12"
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning True
# Process.start() under spawn with a second thread running: DeprecationWarning False
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.12"
# stdout = """
# os.fork() with only the main thread: DeprecationWarning False
# os.fork() with a second thread running: DeprecationWarning True
# Process.start() under forkserver with a second thread running: DeprecationWarning False
# """
# ///
import multiprocessing
import subprocess
import sys
import threading
import warnings

PROBE = r"""
import os, sys, threading, warnings
def fork_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return any(issubclass(w.category, DeprecationWarning) and "multi-threaded" in str(w.message) for w in caught)
print(f"os.fork() with only the main thread: DeprecationWarning {fork_once()}")
stop = threading.Event()
t = threading.Thread(target=stop.wait); t.start()
print(f"os.fork() with a second thread running: DeprecationWarning {fork_once()}")
stop.set(); t.join()
"""


def noop():
    pass


if __name__ == "__main__":
    done = subprocess.run([sys.executable, "-I", "-c", PROBE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=60)
    print(done.stdout, end="")
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = multiprocessing.Process(target=noop)
        p.start()
        p.join()
    stop.set()
    helper.join()
    warned = any(issubclass(w.category, DeprecationWarning) and "multi-threaded" in str(w.message) for w in caught)
    print(f"Process.start() under {multiprocessing.get_start_method()} with a second thread running: DeprecationWarning {warned}")
