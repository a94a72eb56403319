"""Under spawn and forkserver the target, the arguments and a ``Process`` subclass instance must be picklable
when ``start()`` is called; under fork they need not be.

Three children: one whose target is a lambda, one with an argument that cannot be pickled (a ``threading.Lock``),
one a ``Process`` subclass holding a ``threading.Lock`` as an attribute.  Under spawn and forkserver,
``start()`` pickles the whole process object for the child (``popen_spawn_posix.Popen._launch`` /
``popen_forkserver``: ``reduction.dump(process_obj, fp)``) and fails in the parent; only the exception's type is
printed (the messages differ between versions).  Under fork nothing is pickled and all three run.

On Windows (observed under Wine 8.0, CPython 3.8-3.13; not yet on Windows itself) each ``start()`` fails in
the parent as well, but ``popen_spawn_win32.Popen.__init__`` has already created the child (``CreateProcess``
comes before ``reduction.dump(process_obj, to_child)``): the child reads the preparation data, finds the pipe
closed where the process object should be and dies of ``EOFError: Ran out of input`` (``spawn._main``), with its
traceback on the program's stderr.  The case waits for each such child inside its ``except`` block, where the failed
``Popen`` (reachable from the traceback) still holds the child's pipe; without the wait the parent usually exits
first and the children fail in ``spawn_main``'s ``OpenProcess(parent_pid)`` instead (``OSError: [WinError 87]``),
a race with the parent's exit (see pickle_queues.py).
"""
# /// case
# claim = "Under spawn and forkserver all arguments to Process.__init__ (the target included) must be picklable, and a Process subclass instance must be picklable when start() is called."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-programming-spawn"
# ids = ["D48", "D49"]
# timeout = 30
#
# [expect]
# stdout = """
# lambda target: start() raised PicklingError
# threading.Lock argument: start() raised TypeError
# subclass holding a threading.Lock: start() raised TypeError
# """
# stderr = ""
# exit = 0
#
# # PyPy's pure-Python pickle raises PicklingError where CPython's _pickle raises TypeError.
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# lambda target: start() raised PicklingError
# threading.Lock argument: start() raised PicklingError
# subclass holding a threading.Lock: start() raised PicklingError
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# lambda target: ran, exit code 0
# threading.Lock argument: ran, exit code 0
# subclass holding a threading.Lock: ran, exit code 0
# """
# stderr = ""
# exit = 0
#
# # Windows, predicted from popen_spawn_win32 (not observed there; Wine 8.0 showed it, below): each child
# # CreateProcess had started before pickling failed dies of EOFError.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# lambda target: start() raised PicklingError
#   the child started before pickling failed: exit code 1
# threading.Lock argument: start() raised TypeError
#   the child started before pickling failed: exit code 1
# subclass holding a threading.Lock: start() raised TypeError
#   the child started before pickling failed: exit code 1
# """
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# """
# exit = 0
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# lambda target: start() raised PicklingError
#   the child started before pickling failed: exit code 1
# threading.Lock argument: start() raised TypeError
#   the child started before pickling failed: exit code 1
# subclass holding a threading.Lock: start() raised TypeError
#   the child started before pickling failed: exit code 1
# """
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
# ...
# EOFError: Ran out of input
# """
# exit = 0
# ///
import multiprocessing
import threading


def started_child(exc):
    """The popen_spawn_win32.Popen whose start() raised, from the exception's traceback (its self), or None: on
    Windows it has created the child before pickling; elsewhere nothing was started."""
    tb = exc.__traceback__
    while tb is not None:
        popen = tb.tb_frame.f_locals.get("self")
        if type(popen).__module__ == "multiprocessing.popen_spawn_win32":
            return popen
        tb = tb.tb_next
    return None


def wait_for(popen):
    """Windows: the exit code of the child the failed Popen started, waited for while it still holds its pipe."""
    import _winapi
    if _winapi.WaitForSingleObject(popen._handle, 30_000) != _winapi.WAIT_OBJECT_0:
        _winapi.TerminateProcess(popen._handle, 1)
        return "none: still running after 30 s, killed"
    return _winapi.GetExitCodeProcess(popen._handle)


def use(lock):
    with lock:
        pass


class Worker(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def run(self):
        with self.lock:
            pass


if __name__ == "__main__":
    children = [
        ("lambda target", multiprocessing.Process(target=lambda: None)),
        ("threading.Lock argument", multiprocessing.Process(target=use, args=(threading.Lock(),))),
        ("subclass holding a threading.Lock", Worker()),
    ]
    for name, p in children:
        try:
            p.start()
        except Exception as e:
            print(f"{name}: start() raised {type(e).__name__}", flush=True)
            popen = started_child(e)
            if popen is not None:
                print(f"  the child started before pickling failed: exit code {wait_for(popen)}", flush=True)
            continue
        p.join()
        print(f"{name}: ran, exit code {p.exitcode}")
