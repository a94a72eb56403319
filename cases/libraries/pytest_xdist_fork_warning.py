"""A test that forks, run by a pytest-xdist worker, gets CPython's "multi-threaded fork" DeprecationWarning (3.12+),
because the worker runs the test beside other threads; run by plain pytest it does not.

CPython 3.12 warns in ``os.fork()`` when the process has more than one thread (``Modules/posixmodule.c``,
``warn_about_fork_with_threads``: "This process (pid=...) is multi-threaded, use of fork() may lead to deadlocks in
the child"), counting the threads the OS reports (``get_number_of_os_threads``), not only the ones ``threading``
knows.  An xdist worker is an execnet gateway whose receiver thread reads the controller's messages
(``execnet/gateway_base.py``, ``_thread_receiver``), started with the low-level ``_thread`` module, so
``threading.active_count()`` in the test is 1 and still the test is not alone in its process (pytest-xdist #1186).
The case writes a test that counts threads and forks with every warning recorded, runs it with plain pytest and with
``-n 1``, and reports what the test saw (through a file: an xdist worker's stdout is not shown).  The cell's start
method plays no part (the test calls ``os.fork()``).
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["pytest", "pytest-xdist"]
# ///

# /// case
# claim = "A test that calls os.fork() under pytest-xdist gets CPython's multi-threaded fork DeprecationWarning (3.12+), because the xdist worker runs other threads."
# source = "https://github.com/pytest-dev/pytest-xdist/issues/1186"
# ids = ["L16"]
# timeout = 120
#
# [variants]
# pytest-xdist = ["3.5.*", "3.*"]
# ///
import os
import subprocess
import sys
import tempfile

TEST = """
import os
import threading
import warnings


def test_fork():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        threads = threading.active_count()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    forking = [w for w in caught if "fork()" in str(w.message)]
    with open(os.environ["FORK_TEST_REPORT"], "w") as f:  # an xdist worker's stdout never reaches us
        f.write("threads=%d fork-warning=%s" % (threads, bool(forking)))
"""


def run(folder, extra):
    report = os.path.join(folder, "report.txt")
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "test_fork.py"],
                       cwd=folder, capture_output=True, text=True, timeout=90,
                       env=dict(os.environ, FORK_TEST_REPORT=report))
    if not os.path.exists(report):
        return p.returncode, "no report"
    with open(report) as f:
        return p.returncode, f.read()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "test_fork.py"), "w") as f:
            f.write(TEST)
        for name, extra in (("plain pytest", []), ("pytest -n 1", ["-n", "1"])):
            code, report = run(folder, extra)
            threads, warned = report.split() if report != "no report" else ("?", "?")
            print(f"{name}: exit {code}; threading.active_count() > 1: {threads != 'threads=1'}; {warned}")
