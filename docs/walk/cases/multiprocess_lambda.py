# /// case
# claim = "multiprocess, the fork of multiprocessing that serializes with dill, maps a lambda over a Pool, which multiprocessing cannot pickle."
# source = "https://github.com/uqfoundation/multiprocess#readme"
# ids = ["M6"]
# ///
"""A lambda sent to Pool.map through multiprocessing, then through multiprocess, then through multiprocessing again.

multiprocessing sends the function to its workers with ForkingPickler (Lib/multiprocessing/reduction.py), a
`pickle.Pickler`, under every start method (fork too: the tasks travel through a pipe). pickle saves a function
by reference, as its module and qualified name (`save_global` in Lib/pickle.py), and a lambda's name,
`<lambda>`, names nothing in `__main__`: PicklingError. multiprocess is multiprocessing with dill in pickle's
place, and dill saves a function by value (its code and globals).

Importing dill changes pickle itself: dill's `extend()` (dill/__init__.py, run at import) copies dill's savers
into `pickle._Pickler.dispatch`. CPython's `pickle.Pickler` is the C one (`from _pickle import ... Pickler` at the
end of Lib/pickle.py), which never reads that table; PyPy has no `_pickle`, so there the fallback
`Pickler, Unpickler = _Pickler, _Unpickler` applies and ForkingPickler, a subclass, gains dill's savers.
So multiprocessing is asked twice: before multiprocess is imported and after.

multiprocess keeps a default start method of its own; the case uses the cell's. The case needs the package, which
the interpreters mpmatrix finds do not have: there it exits 77 (skip) and says why; the tox envs install it.
"""
import importlib.util
import multiprocessing
import sys

if importlib.util.find_spec("multiprocess") is None:
    sys.stderr.write("needs the multiprocess package (pip install multiprocess; the tox envs install it)\n")
    sys.exit(77)

square = lambda x: x * x  # noqa: E731 (the point: pickle finds no function named '<lambda>' in __main__)


def map_with(package, label):
    try:
        with package.get_context(multiprocessing.get_start_method()).Pool(2) as pool:
            print(f"{label}:", pool.map(square, range(5)))
    except Exception as exc:
        print(f"{label}:", type(exc).__name__)


if __name__ == "__main__":
    map_with(multiprocessing, "multiprocessing")
    import multiprocess  # imports dill

    map_with(multiprocess, "multiprocess")
    map_with(multiprocessing, "multiprocessing, once dill is imported")
