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
