"""Which start method a fresh interpreter uses by default.

The 3.15 wording: *spawn* is the default on Windows and macOS, *forkserver* on the POSIX platforms that can pass
file descriptors over Unix pipes (Linux).  The default is read in a fresh interpreter (``python -c``), since the harness has already chosen this
cell's start method before the case runs.

The default comes from ``multiprocessing/context.py``: up to 3.13 ``_default_context =
DefaultContext(_concrete_contexts['fork'])`` on POSIX except macOS; from 3.14 the default is *forkserver*
where ``reduction.HAVE_SEND_HANDLE`` is true.  PyPy 3.9 and 3.11 carry the stdlib of CPython 3.9 and 3.11, so
they default to *fork*: on them, and on CPython before 3.14, the docs' current sentence does not hold (it
describes 3.14 and later; older docs said fork).
"""
# /// case
# claim = "spawn is the default start method on Windows and macOS, forkserver on POSIX platforms that pass fds over Unix pipes (Linux)."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D5", "D14"]
# timeout = 20
#
# [expect]
# stdout = """
# platform: linux
# default in a fresh interpreter: forkserver
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# platform: linux
# default in a fresh interpreter: fork
# """
# stderr = ""
# exit = 0
# holds = false
#
# # Predicted, not observed on Windows or macOS (CI): spawn is the default on Windows (the only method there) and on macOS since 3.8 (context.py: `if sys.platform == 'darwin': _default_context = ...['spawn']`).
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# platform: win32
# default in a fresh interpreter: spawn
# """
# stderr = ""
# exit = 0
# holds = true
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# platform: win32
# default in a fresh interpreter: spawn
# """
# stderr = ""
# exit = 0
# holds = true
#
# [[expect.when]]
# platform = ["darwin"]
# stdout = """
# platform: darwin
# default in a fresh interpreter: spawn
# """
# stderr = ""
# exit = 0
# holds = true
# ///
import multiprocessing
import subprocess
import sys

if __name__ == "__main__":
    print(f"platform: {sys.platform}")
    fresh = subprocess.run(
        [sys.executable, "-c", "import multiprocessing; print(multiprocessing.get_start_method())"],
        stdout=subprocess.PIPE, universal_newlines=True, timeout=60, check=True,
    )
    print(f"default in a fresh interpreter: {fresh.stdout.strip()}")
