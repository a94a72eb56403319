"""The main module must be importable without side effects: the docs' unguarded example fails under spawn and
forkserver; the guarded one prints ``hello``, with or without ``freeze_support()``; a manager created at import
fails the same way.

Each program is written to a file and run with ``python`` (a child re-imports the main *file*), with the cell's
start method passed in the environment (``DOCS_START_METHOD``, inherited by every child) so that the programs
themselves stay as the docs write them apart from choosing the context.

* Unguarded (D52): a spawn or forkserver child imports the main module again (``spawn.prepare()`` ->
  ``_fixup_main_from_path``), reaches ``p.start()`` at the top level, and ``spawn._check_not_importing_main()``
  raises ``RuntimeError: An attempt has been made to start a new process before the current process has finished
  its bootstrapping phase.``; the child exits with 1 and ``hello`` is never printed.  A fork child re-imports
  nothing and prints ``hello``.
* Guarded (D53, D54): the docs' example (``freeze_support()``, ``set_start_method('spawn')``), and the same
  without ``freeze_support()``; both print ``hello`` (``freeze_support()`` does nothing unless ``sys.frozen``).
* Manager (D55): ``Manager()`` at the top level of an unguarded module: the manager's server process imports the
  module again, tries to start a manager itself and fails with the same RuntimeError; the program sees the
  server die during start-up (``BaseManager.start`` reading the server's address fails with ``EOFError``, or
  ``ConnectionResetError`` in 1 of 11 forkserver cells of a first run: which one depends on timing, so only the
  exit code is printed).  A
  module-level ``Pool`` would fail the same way in every worker, but the pool replaces dead workers without end,
  so the program hangs; it is not run here.

On Windows (observed under Wine 8.0, CPython 3.8-3.13; argued from the stdlib, not yet seen on Windows
itself) the unguarded manager program does not fail: it hangs.  The pipe end the server should write its address
to is pickled for the child as ``reduction.DupHandle(conn.fileno(), access)`` with no pid
(``connection.reduce_pipe_connection``): a duplicate made *in the parent*, which the child steals
(``DUPLICATE_CLOSE_SOURCE``) when it unpickles it.  The server dies in ``prepare()``, importing the main module,
before it unpickles anything, so the program still holds that duplicate after ``writer.close()``, and
``reader.recv()`` in ``BaseManager.start`` never sees end of file.  On POSIX the writer reaches the child as a file
descriptor the parent closes, so the server's death is an EOFError at once.  The case gives each program
``HANG_S`` seconds (a program that ends does so within a few seconds, even under Wine on a saturated machine)
and reports a program still running then as hung, after killing it.  The programs are written to
``tempfile.gettempdir()`` (the cell's TMPDIR on POSIX, TEMP on Windows).
"""
# /// case
# claim = "Under spawn and forkserver a main module that starts a process (or a manager) when imported fails with RuntimeError; protected by if __name__ == '__main__' (freeze_support optional when not frozen) it runs foo() and prints hello."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-safe-main-import"
# ids = ["D52", "D53", "D54", "D55"]
# timeout = 90
#
# [expect]
# stdout = """
# unguarded Process: printed '', the child's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# guarded, with freeze_support(): printed 'hello'
# guarded, without freeze_support(): printed 'hello'
# unguarded Manager: the program's exit code 1, the server's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# unguarded Process: printed 'hello', the child's error: none
# guarded, with freeze_support(): printed 'hello'
# guarded, without freeze_support(): printed 'hello'
# unguarded Manager: the program's exit code 0, the server's error: none
# """
# stderr = ""
# exit = 0
#
# # Windows, predicted from the stdlib (not observed there; Wine 8.0 showed it, below): the unguarded manager
# # program hangs; the mechanism is the stdlib's Windows branch (DupHandle), not Wine's.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# unguarded Process: printed '', the child's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# guarded, with freeze_support(): printed 'hello'
# guarded, without freeze_support(): printed 'hello'
# unguarded Manager: the program hung (still running after 30 s, then killed), the server's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# """
# stderr = ""
# exit = 0
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# unguarded Process: printed '', the child's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# guarded, with freeze_support(): printed 'hello'
# guarded, without freeze_support(): printed 'hello'
# unguarded Manager: the program hung (still running after 30 s, then killed), the server's error: RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase.
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile

HANG_S = 30  # a program still running after this long is hung (see the docstring)

UNGUARDED = '''
import os
from multiprocessing import get_context
Process = get_context(os.environ["DOCS_START_METHOD"]).Process

def foo():
    print('hello')

p = Process(target=foo)
p.start()
'''

GUARDED = '''
from multiprocessing import Process, freeze_support, set_start_method

def foo():
    print('hello')

if __name__ == '__main__':
    freeze_support()
    set_start_method('spawn')
    p = Process(target=foo)
    p.start()
'''

UNGUARDED_MANAGER = '''
import os
from multiprocessing import get_context
manager = get_context(os.environ["DOCS_START_METHOD"]).Manager()
d = manager.dict()
manager.shutdown()
'''


def run(source, method):
    path = os.path.join(tempfile.gettempdir(), f"main_import_{os.getpid()}.py")
    with open(path, "w") as f:
        f.write(source)
    try:
        return subprocess.run([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=HANG_S, env=dict(os.environ, DOCS_START_METHOD=method))
    finally:
        os.unlink(path)


def child_error(stderr):
    """The RuntimeError's first sentence, its line breaks and indentation folded (the message spans lines)."""
    found = re.search(r"^RuntimeError:\s+An attempt.*?bootstrapping phase\.", stderr, re.M | re.S)
    return " ".join(found.group(0).split()) if found else "none"


if __name__ == "__main__":
    method = multiprocessing.get_start_method()
    done = run(UNGUARDED, method)
    print(f"unguarded Process: printed {done.stdout.strip()!r}, the child's error: {child_error(done.stderr)}")
    done = run(GUARDED, method)
    print(f"guarded, with freeze_support(): printed {done.stdout.strip()!r}")
    done = run(GUARDED.replace("    freeze_support()\n", ""), method)
    print(f"guarded, without freeze_support(): printed {done.stdout.strip()!r}")
    try:
        done = run(UNGUARDED_MANAGER, method)
        outcome, stderr = f"the program's exit code {done.returncode}", done.stderr
    except subprocess.TimeoutExpired as hung:  # killed by subprocess.run
        outcome = f"the program hung (still running after {HANG_S} s, then killed)"
        stderr = hung.stderr.decode(errors="replace") if isinstance(hung.stderr, bytes) else hung.stderr or ""
    print(f"unguarded Manager: {outcome}, the server's error: {child_error(stderr)}")
