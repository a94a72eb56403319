"""A lock made by the fork context cannot be passed to a process started by the spawn or forkserver context.

The docs' own example of objects of one context that do not work with another.  The case makes
``get_context("fork").Lock()`` and passes it to a ``Process`` of the spawn context, then of the forkserver
context, in a program of its own run with ``python`` (the cell's own start method plays no part).

* CPython 3.11.5+ (and 3.12+) refuses at ``start()``: ``SemLock.__getstate__`` raises ``RuntimeError: A SemLock
  created in a fork context is being shared with a process in a spawn context...`` (``synchronize.py``: the
  ``self._is_fork_ctx`` check, gh-77377, a fix of the 3.11.5 release); the message says "spawn context" for
  forkserver too.
* CPython 3.7-3.10, 3.11.0-3.11.4 and PyPy 3.9 start the child, and the child dies of SIGSEGV (exit code -11): a
  fork-context semaphore is unlinked at creation (``unlink_now``), so it has no name to reopen, and
  ``SemLock._rebuild`` in the child is handed the parent's ``sem_t`` address as a handle, which means nothing in a
  new process.  3.11.2's ``SemLock.__getstate__`` (Lib/multiprocessing/synchronize.py, lines 100-107) returns
  ``sl.handle`` with no check; 3.11.7's (lines 100-112) raises first when ``self._is_fork_ctx``, which
  ``SemLock.__init__`` sets from ``ctx.get_start_method() == 'fork'``.  The claim holds there too, in a worse
  form: a crash instead of an error.
"""
# /// case
# claim = "Objects of one context may not be compatible with processes of another: a lock created by the fork context cannot be passed to spawn or forkserver processes."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D21"]
# timeout = 30
# # The fork context's lock is the subject: Windows has no fork context (get_context("fork") raises ValueError).
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# spawn: start() raised RuntimeError: A SemLock created in a fork context is being shared with a process in a spawn context. This is not supported. Please use the same context to create multiprocessing objects and Process.
# forkserver: start() raised RuntimeError: A SemLock created in a fork context is being shared with a process in a spawn context. This is not supported. Please use the same context to create multiprocessing objects and Process.
# """
# stderr = ""
# exit = 0
#
# # Debian 12's 3.11.2 observed crashing, 3.11.7 refusing; the boundary is 3.11.5, whose changelog
# # (Misc/NEWS.d/3.11.5.rst, gh-77377) lists the check.
# [[expect.when]]
# python = "<3.11.5"
# stdout = """
# spawn: the child ended with exit code -11
# forkserver: the child ended with exit code -11
# """
# stderr = ""
# exit = 0
# ///
import os
import subprocess
import sys

PROGRAM = r'''
import multiprocessing as mp


def use(lock):
    with lock:
        print("the child used the lock")


if __name__ == "__main__":
    lock = mp.get_context("fork").Lock()
    for method in ["spawn", "forkserver"]:
        p = mp.get_context(method).Process(target=use, args=(lock,))
        try:
            p.start()
        except RuntimeError as e:
            print(f"{method}: start() raised RuntimeError: {e}")
            continue
        p.join()
        print(f"{method}: the child ended with exit code {p.exitcode}")
'''

if __name__ == "__main__":
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"mixing_{os.getpid()}.py")
    with open(path, "w") as f:
        f.write(PROGRAM)
    try:
        # Reading stderr to its end also waits for the resource tracker the spawn context started (it holds
        # the program's stderr): on 3.11 it otherwise outlives the program for a moment, which the harness
        # would record as a leak.
        done = subprocess.run([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60)
    finally:
        os.unlink(path)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
