"""A function defined inside the ``if __name__ == "__main__":`` block (as in a notebook or ``python -c``) runs in
joblib's default loky workers under every start method, while a multiprocessing child can run it only under fork.

pickle sends a function by reference, as ``__main__.square``.  A fork child has the parent's ``__main__`` and finds
it.  A spawn or forkserver child imports the script again as ``__mp_main__`` (``multiprocessing/spawn.py``,
``_fixup_main_from_path``) with ``__name__`` not ``"__main__"``, so the guarded block never runs and
``square`` does not exist there: the child's unpickling of its process object raises ``AttributeError: Can't get
attribute 'square'`` and the child exits with code 1.  (A Pool worker dies the same way, and the Pool, which replaces
it and loses the task, would wait for ever: ``multiprocessing/pool.py``, ``worker`` catches only ``EOFError`` and
``OSError`` around ``get()``; so the case uses a Process, whose exit code says it at once.)

joblib's loky backend sends tasks with cloudpickle's pickler (``joblib/externals/loky/backend/reduction.py``,
``set_loky_pickler``: "The default loky_pickler is cloudpickle"), which pickles functions of ``__main__`` and lambdas by
value, so the worker needs nothing from ``__main__``.  loky starts its workers its own way (``loky`` context:
fork+exec of a fresh interpreter), whatever multiprocessing's start method is.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["joblib"]
# ///

# /// case
# claim = "joblib's default loky backend runs functions defined interactively in __main__, which a multiprocessing child cannot run under spawn or forkserver."
# source = "https://github.com/joblib/joblib/issues/263"
# ids = ["L3"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# multiprocessing Process(target=square): exit code 0
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
# stderr = ""
#
# [[expect.when]]
# start_method = ["forkserver"]
# python = "<3.14"
# implementation = ["cpython"]
# exit = 0
# exception = "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>"
# stderr = """
# Traceback (most recent call last):
#   [stdlib frames]
# AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# start_method = ["spawn"]
# python = "<3.13.0"
# implementation = ["cpython"]
# exit = 0
# exception = "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>"
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
#   [stdlib frames]
# AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# holds = false  # PyPy 3.11: cloudpickle fails at import (its pickle.Pickler is _pickle's, without `dispatch`)
# exit = 1
# exception = "AttributeError: type object 'Pickler' has no attribute 'dispatch'"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/joblib_main_functions.py", line [..], in <module>
#     from joblib import Parallel, delayed
#   [stdlib frames]
# AttributeError: type object 'Pickler' has no attribute 'dispatch'
# """
# stdout = ""
#
# # PyPy 3.9 (7.3.11) behaves as CPython 3.9, not as PyPy 3.11: it has no _pickle module, so pickle.Pickler is the
# # pure-Python pickle._Pickler, which has the `dispatch` table cloudpickle copies, and joblib imports. Its os module
# # has no sched_getaffinity, so loky (joblib/externals/loky/backend/context.py, _cpu_count_affinity) looks for
# # psutil, which has no PyPy 3.9 wheel, and warns once in the parent when Parallel asks for the CPU count.
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["fork"]
# holds = true
# stderr = """
# <site-packages>/joblib/externals/loky/backend/context.py:[..]: UserWarning: Failed to inspect CPU affinity constraints on this system. Please install psutil or explictly set LOKY_MAX_CPU_COUNT.
#   warnings.warn(
# """
# stdout = """
# multiprocessing Process(target=square): exit code 0
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["spawn"]
# holds = true
# exception = "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>"
# exit = 0
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
#   [stdlib frames]
# AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>
# <site-packages>/joblib/externals/loky/backend/context.py:[..]: UserWarning: Failed to inspect CPU affinity constraints on this system. Please install psutil or explictly set LOKY_MAX_CPU_COUNT.
#   warnings.warn(
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["forkserver"]
# holds = true
# exception = "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>"
# exit = 0
# stderr = """
# Traceback (most recent call last):
#   [stdlib frames]
# AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>
# <site-packages>/joblib/externals/loky/backend/context.py:[..]: UserWarning: Failed to inspect CPU affinity constraints on this system. Please install psutil or explictly set LOKY_MAX_CPU_COUNT.
#   warnings.warn(
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# start_method = ["spawn"]
# python = ">=3.13.0,<3.14"
# implementation = ["cpython"]
# exit = 0
# exception = "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>"
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
#     from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)
#   [stdlib frames]
# AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '<case>/joblib_main_functions.py'>
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# start_method = ["spawn"]
# python = ">=3.14"
# implementation = ["cpython"]
# exit = 0
# exception = "AttributeError: module '__mp_main__' has no attribute 'square'"
# stderr = """
# Traceback (most recent call last):
#   File "<string>", line 1, in <module>
#     from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=6, pipe_handle=8)
#   [stdlib frames]
# AttributeError: module '__mp_main__' has no attribute 'square'
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.14"
# implementation = ["cpython"]
# exit = 0
# exception = "AttributeError: module '__mp_main__' has no attribute 'square'"
# stderr = """
# Traceback (most recent call last):
#   [stdlib frames]
# AttributeError: module '__mp_main__' has no attribute 'square'
# """
# stdout = """
# multiprocessing Process(target=square): exit code 1
# joblib loky: [0, 1, 4, 9, 16]
# joblib loky, a lambda: [1, 2, 3, 4, 5]
# """
# ///
import multiprocessing

from joblib import Parallel, delayed

if __name__ == "__main__":

    def square(x):
        return x * x

    child = multiprocessing.Process(target=square, args=(3,))
    child.start()
    child.join()
    print(f"multiprocessing Process(target=square): exit code {child.exitcode}")
    print(f"joblib loky: {Parallel(n_jobs=2)(delayed(square)(i) for i in range(5))}")
    print(f"joblib loky, a lambda: {Parallel(n_jobs=2)(delayed(lambda x: x + 1)(i) for i in range(5))}")
