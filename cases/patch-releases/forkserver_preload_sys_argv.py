"""Module-level code of the main script sees the program's ``sys.argv`` in every process that runs it under
forkserver, the fork server included, except on 3.13.8-3.13.11 and 3.14.1-3.14.2 (gh-143706).

A script that reads ``sys.argv`` at module level (an argument parser, a configuration chosen by a flag) must see
the same arguments wherever multiprocessing runs it again, or a worker does something other than the program.

* Up to 3.13.7 (and 3.14.0, and PyPy) the fork server does not import the script (see
  forkserver_preload_main.py); each worker runs it during ``spawn.prepare()``, which sets
  ``sys.argv = data['sys_argv']`` (Lib/multiprocessing/spawn.py lines 231-232) before
  ``_fixup_main_from_path()`` (line 246) runs the script: every worker sees the program's arguments.
* 3.13.8 and 3.14.1 made the server import the script (gh-126631), but ``ensure_running()`` passed it only
  ``sys_path`` and ``main_path``: the server, started as ``python -c 'from multiprocessing.forkserver import
  main; ...'``, imported the script with its own ``sys.argv``, ``['-c']``, so module-level code there saw no
  arguments (the issue's report, on 3.13.11 and 3.14.2: ``args in module []``).  Not observed here: no such
  release is installed, so this case has no expectation for them and records what they do.
* 3.13.12 and 3.14.3 (gh-143706, python/cpython#143717, backported by #143821) hand the server the program's
  ``sys_argv`` and ``forkserver.main()`` sets ``sys.argv[:] = sys_argv`` before the import; since 3.13.13 and
  3.14.4 (gh-144503, which fixed that fix for very long command lines) the arguments travel as the server's own
  argv after ``-c`` (3.13.18's forkserver.py lines 132-134 and 164-165) and ``main()`` copies them in
  (lines 184-185) before ``spawn.import_main_path()`` (line 191).  The script runs once, in the server, with the
  program's arguments; the workers run nothing and see the same ``sys.argv`` (``prepare()`` again).

The case runs this file as a program of its own, ``python forkserver_preload_sys_argv.py alpha beta``, with the
forkserver context whatever the cell's start method; the program starts two processes one after the other and
joins each, so the lines come in a fixed order (the server preloads before it answers the first request).
Module-level code prints only in that program (an environment variable marks it) and names the process it runs
in: the program, the fork server (``MainProcess`` importing the script as ``__mp_main__``), or a worker.
"""
# /// case
# claim = "Under forkserver, module-level code of the main script sees the program's sys.argv in every process that runs it, the fork server included."
# source = "https://github.com/python/cpython/issues/143706"
# ids = ["P2"]
# changed_in = ["3.13.12", "3.14.3"]  # gh-143706, from the NEWS files
# timeout = 60
# # Windows has no forkserver.  macOS: not observed here; its forkserver runs the same forkserver.py and spawn.py.
# platforms = ["linux", "darwin"]
#
# # Each table below covers releases observed here or known from the changelog to run the same code; 3.13.8-3.13.11
# # and 3.14.1-3.14.2, whose fork server imported the script with sys.argv == ['-c'], match none: recorded only.
#
# # Every worker runs the script again, after prepare() set sys.argv: CPython 3.7-3.12.1, 3.11.2 and 3.13.0
# # observed; up to 3.13.7 and on 3.14.0 by the changelogs (gh-126631 is a fix of 3.13.8 and 3.14.1).
# [[expect.when]]
# implementation = ["cpython"]
# python = "<3.13.8"
# stdout = """
# module-level code ran in the program: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# implementation = ["cpython"]
# python = "==3.14.0"
# stdout = """
# module-level code ran in the program: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# """
# stderr = ""
# exit = 0
#
# # PyPy 3.9 and 3.11 (observed): their forkserver.py is the old one.
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# module-level code ran in the program: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# """
# stderr = ""
# exit = 0
#
# # The fork server runs the script once, with the program's arguments: 3.13.18, 3.14.10 and 3.15.2 observed;
# # from 3.13.12 and 3.14.3 by the changelogs (the "What's New in Python 3.13.12" and "... 3.14.3" sections of
# # the NEWS files these releases ship list gh-143706).
# [[expect.when]]
# implementation = ["cpython"]
# python = ">=3.13.12,<3.14"
# stdout = """
# module-level code ran in the program: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in the fork server: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# implementation = ["cpython"]
# python = ">=3.14.3"
# stdout = """
# module-level code ran in the program: sys.argv[1:] = ['alpha', 'beta']
# module-level code ran in the fork server: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-1: sys.argv[1:] = ['alpha', 'beta']
# task in ForkServerProcess-2: sys.argv[1:] = ['alpha', 'beta']
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import subprocess
import sys

IN_PROGRAM = os.environ.get("FORKSERVER_PRELOAD_SYS_ARGV_PROGRAM") == "1"
ARGUMENTS = ["alpha", "beta"]


def where():
    """The program, the fork server (a fresh MainProcess that imports the script as __mp_main__) or a worker."""
    if __name__ == "__main__":
        return "the program"
    name = multiprocessing.current_process().name
    return "the fork server" if name == "MainProcess" else name


if IN_PROGRAM:  # the module-level code under test
    sys.stdout.write(f"module-level code ran in {where()}: sys.argv[1:] = {sys.argv[1:]}\n")
    sys.stdout.flush()


def task():
    sys.stdout.write(f"task in {multiprocessing.current_process().name}: sys.argv[1:] = {sys.argv[1:]}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if IN_PROGRAM:
        ctx = multiprocessing.get_context("forkserver")
        for _ in range(2):
            p = ctx.Process(target=task)
            p.start()
            p.join()
        sys.exit(0)
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), *ARGUMENTS],
        env=dict(os.environ, FORKSERVER_PRELOAD_SYS_ARGV_PROGRAM="1"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=50,
    )
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    sys.exit(done.returncode)
