"""What a preloaded module writes to a buffered stdout in the fork server comes out once: true from 3.13.6 and
3.14.0 (gh-135335); before, every worker forked from the server wrote it again.

gh-98552 ended up under this title ("multiprocessing forkserver does not flush output before fork"): its author
found the duplicates while making the server preload ``__main__``.  The fork server imports the modules of
``set_forkserver_preload()`` before it forks anything.  When its stdout is a pipe or a file (not a terminal, and
no ``PYTHONUNBUFFERED``) what they print sits in the server's buffer, and each worker is forked with a copy of it:

* Up to 3.13.5 (3.12, 3.11, and PyPy): nothing flushes the server's streams after the preloads (3.13.0's
  Lib/multiprocessing/forkserver.py lines 177-183 go from the imports to ``util._close_stdin()``).  A worker ends
  through ``BaseProcess._bootstrap()``, which calls ``util._flush_std_streams()`` in its ``finally`` (process.py
  line 331) before the server's child calls ``os._exit(code)`` (forkserver.py line 285): each worker writes the
  inherited copy, and the server writes its own when it exits.  Two workers, three copies.
* 3.13.6 and 3.14.0 (gh-135335): ``forkserver.main()`` calls ``util._flush_std_streams()`` right after the
  preloads (3.13.18's forkserver.py lines 200-202), so the buffer is empty when the server forks.

The case writes a module that prints one line into a new temporary folder, runs a program of its own that
preloads that module with the forkserver context (whatever the cell's start method) and starts two processes one
after the other, and counts the module's line in the program's captured stdout.  The program runs with the folder
in ``PYTHONPATH`` (so that the server finds the module on every version, gh-117378 or not) and without
``PYTHONUNBUFFERED``, which the harness sets and which would hide the bug.
"""
# /// case
# claim = "Output a preloaded module writes in the fork server is written once, not again by every worker forked from the server."
# source = "https://github.com/python/cpython/issues/98552"
# ids = ["P4"]
# changed_in = ["3.13.6", "3.14.0"]  # gh-135335, from the NEWS files
# timeout = 60
# # Windows has no forkserver.  macOS: not observed here; its forkserver runs the same forkserver.py and spawn.py.
# platforms = ["linux", "darwin"]
#
# # Flushed after the preloads: 3.13.18, 3.14.10 and 3.15.2 observed; from 3.13.6 and 3.14.0 by the changelogs
# # (the "What's New in Python 3.13.6" and "... 3.14.0 beta 4" sections of the NEWS files list gh-135335).
# [expect]
# stdout = """
# the preloaded module's line appeared 1 time(s) in the program's output
# """
# stderr = ""
# exit = 0
#
# # Not flushed: CPython 3.7-3.12.1, 3.11.2 and 3.13.0 observed, up to 3.13.5 by 3.13's changelog (3.12 and 3.11
# # were past their bug-fix releases); PyPy 3.9 and 3.11, whose forkserver.main() has no flush.
# [[expect.when]]
# implementation = ["cpython"]
# python = "<3.13.6"
# stdout = """
# the preloaded module's line appeared 3 time(s) in the program's output
# """
# holds = false
#
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# the preloaded module's line appeared 3 time(s) in the program's output
# """
# holds = false
# ///
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile

HELPER = "forkserver_preload_chatty"
LINE = "forkserver_preload_chatty was imported"


def task():
    pass


if __name__ == "__main__":
    if os.environ.get("FORKSERVER_PRELOAD_OUTPUT_PROGRAM") == "1":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([HELPER])
        for _ in range(2):
            p = ctx.Process(target=task)
            p.start()
            p.join()
        sys.exit(0)
    folder = tempfile.mkdtemp(prefix="forkserver_preload_output.")
    try:
        with open(os.path.join(folder, HELPER + ".py"), "w") as f:
            f.write(f"print({LINE!r})\n")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        env.update(PYTHONPATH=folder, FORKSERVER_PRELOAD_OUTPUT_PROGRAM="1")
        # Reading the pipe to its end waits for every writer: the workers and the fork server, which exits once
        # the program has.
        done = subprocess.run([sys.executable, os.path.abspath(__file__)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=50)
    finally:
        shutil.rmtree(folder)
    count = done.stdout.splitlines().count(LINE)
    print(f"the preloaded module's line appeared {count} time(s) in the program's output")
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
