"""multiprocessing.set_executable() accepts a path-like object from 3.11.

``set_executable(exe)`` stores the interpreter the spawn start method (and the forkserver's server) runs
(multiprocessing/spawn.py).  Up to 3.10 it stored the object as given; 3.11 stores ``os.fsdecode(exe)`` on
Windows and ``os.fsencode(exe)`` elsewhere.  On POSIX that changes nothing visible: ``spawnv_passfds`` hands the
path to ``_posixsubprocess.fork_exec``, which has accepted path-like arguments all along, so a ``Path`` works on
3.7-3.10 too.  On Windows, ``popen_spawn_win32`` passes it to ``_winapi.CreateProcess``, whose first argument
must be a ``str`` before 3.11.

The case sets a ``Path`` to the running interpreter, starts a spawn-context process that puts a value on a
queue, and reports what happened.
"""
# /// case
# claim = "From 3.11, multiprocessing.set_executable() accepts a path-like object such as pathlib.Path."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.set_executable"
# ids = ["D81"]
# timeout = 60
#
# [expect]
# stdout = """
# spawn with a Path executable: child exit code 0, value 42
# """
# stderr = ""
# exit = 0
#
# # Predicted, not observed on Windows: written from the CPython source (_winapi.CreateProcess takes str or None).
# [[expect.when]]
# platform = ["win32"]
# python = "<3.11"
# stdout = """
# spawn with a Path executable: TypeError: [..]
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = "<3.11"
# stdout = """
# spawn with a Path executable: TypeError: [..]
# """
# ///
import multiprocessing
import pathlib
import sys


def answer(q):
    q.put(42)


if __name__ == "__main__":
    multiprocessing.set_executable(pathlib.Path(sys.executable))
    spawn = multiprocessing.get_context("spawn")
    q = spawn.SimpleQueue()
    p = spawn.Process(target=answer, args=(q,))
    try:
        p.start()
    except Exception as e:
        print(f"spawn with a Path executable: {type(e).__name__}: {e}")
    else:
        p.join(30)
        print(f"spawn with a Path executable: child exit code {p.exitcode}, value {q.get() if p.exitcode == 0 else None}")
