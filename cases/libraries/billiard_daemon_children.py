"""A task running in a billiard Pool worker may start a process of its own; in a multiprocessing Pool worker the same
``Process.start()`` fails with ``AssertionError: daemonic processes are not allowed to have children``.

Pool workers are daemonic.  multiprocessing refuses children to daemonic processes in ``BaseProcess.start``
(``multiprocessing/process.py``: ``assert not _current_process._config.get('daemon')``).  billiard, Celery's fork of
multiprocessing, dropped that assertion (``billiard/process.py``, ``BaseProcess.start``, has no such check; billiard PR #187 "Daemon processes should be
allowed children", for Celery tasks that use multiprocessing).  billiard has its own start-method setting; the case
asks it for the context of the cell's start method.

Under spawn, billiard 4.2 tells the worker to initialise ``__main__`` "from name" when the main module has no
``__spec__`` (``billiard/spawn.py``, ``get_preparation_data``: ``main_module.__spec__.name`` raises AttributeError on
``None`` and falls back to ``main_module.__name__``, i.e. ``"__main__"``), and a worker told ``"__main__"`` imports
nothing (``_fixup_main_from_name``), so a function of the script cannot be found there: the task never returns.  The
program waits for it at most 30 s.  billiard 4.3 reads it as multiprocessing does
(``getattr(main_module.__spec__, "name", None)``); the variants observe both.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["billiard"]
# ///

# /// case
# claim = "A task in a billiard Pool worker (a daemonic process) can start child processes, which multiprocessing forbids."
# source = "https://github.com/celery/billiard/pull/187"
# ids = ["L11"]
# timeout = 60
#
# [variants]
# billiard = ["4.2.*", "4.*"]
# ///
import multiprocessing

import billiard


def nothing():
    pass


def start_with(module_name):
    module = {"multiprocessing": multiprocessing, "billiard": billiard}[module_name]
    try:
        child = module.Process(target=nothing)
        child.start()
        child.join()
        return f"started a child, exit code {child.exitcode}"
    except AssertionError as e:
        return f"AssertionError: {e}"


if __name__ == "__main__":
    method = multiprocessing.get_start_method()
    with multiprocessing.Pool(1) as pool:
        print(f"in a multiprocessing Pool worker: {pool.apply(start_with, ('multiprocessing',))}")
    ctx = billiard.get_context(method)
    with ctx.Pool(1) as pool:
        pending = pool.apply_async(start_with, ("billiard",))
        try:
            print(f"in a billiard Pool worker: {pending.get(timeout=30)}")
        except Exception as e:  # billiard's own TimeoutError
            print(f"in a billiard Pool worker: no answer within 30 s ({type(e).__name__}: the worker could not run the task)")
            pool.terminate()
    print(f"billiard start method: {ctx.get_start_method()}")
