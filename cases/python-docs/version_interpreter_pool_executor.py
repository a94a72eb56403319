"""InterpreterPoolExecutor, new in 3.14: worker threads of the same process, each running its own interpreter.

``concurrent.futures.InterpreterPoolExecutor`` (concurrent/futures/interpreter.py) is a ``ThreadPoolExecutor``
whose workers each create a subinterpreter (``_interpreters.create()``) and run every task in it: the callable
and its arguments are pickled into that interpreter and the result pickled back.  The worker is a thread, so
``os.getpid()`` is the caller's; its interpreter has its own modules, so a module global changed by tasks there
is not the caller's.  Before 3.14 the name does not exist (``ImportError``).

The case bumps a module-level counter twice in the worker and once in the main interpreter, and compares.
"""
# /// case
# claim = "From 3.14, InterpreterPoolExecutor runs tasks in other interpreters of the same process, each with its own module state."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.InterpreterPoolExecutor"
# ids = ["D99"]
# timeout = 30
#
# [expect]
# stdout = """
# pow(2, 10) in a worker interpreter: 1024
# same process: True
# counter bumped twice in the worker: 2; in the main interpreter still: 0
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# InterpreterPoolExecutor: ImportError
# """
# ///
import os
import sys

counter = 0


def bump():
    global counter
    counter += 1
    return counter


if __name__ == "__main__":
    try:
        from concurrent.futures import InterpreterPoolExecutor
    except ImportError as e:
        print(f"InterpreterPoolExecutor: {type(e).__name__}")
        sys.exit(0)
    with InterpreterPoolExecutor(max_workers=1) as executor:
        print(f"pow(2, 10) in a worker interpreter: {executor.submit(pow, 2, 10).result()}")
        print(f"same process: {executor.submit(os.getpid).result() == os.getpid()}")
        executor.submit(bump).result()
        in_worker = executor.submit(bump).result()
    print(f"counter bumped twice in the worker: {in_worker}; in the main interpreter still: {counter}")
