"""multiprocess, the fork of multiprocessing that serialises with dill, maps a lambda over a Pool under every start
method; multiprocessing's own Pool cannot send it at all.

The standard pickler sends a function by reference (module and qualified name); a lambda's name ``<lambda>`` cannot
be looked up, so ``ForkingPickler.dumps`` raises ``PicklingError`` (``AttributeError`` on some versions) in the
parent's task handler, under any start method, and ``map`` re-raises it.  dill pickles the function's code object and
globals by value (``dill/_dill.py``, ``save_function``), and multiprocess uses dill's pickler for everything it sends
(``multiprocess/reduction.py``: ``ForkingPickler`` is based on ``dill.Pickler``), so the workers rebuild the lambda.

Not on PyPy 3.9: it has no ``_pickle``, so ``pickle.Pickler`` is the pure-Python class dill extends, and importing
multiprocess (dill) teaches multiprocessing's own pickler to send the lambda by value as well (see the PyPy 3.9 tables).

multiprocess has its own start-method setting, independent of multiprocessing's; the case asks it for the context of
the cell's start method.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["multiprocess"]
# ///

# /// case
# claim = "multiprocess (dill) can map a lambda over a Pool, where multiprocessing's Pool fails to pickle it, under every start method."
# source = "https://github.com/uqfoundation/multiprocess/issues/18"
# ids = ["L5"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# multiprocessing Pool.map(lambda): PicklingError
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: fork
# """
# stderr = ""
#
# [[expect.when]]
# start_method = ["spawn"]
# python = "<3.15"
# stdout = """
# multiprocessing Pool.map(lambda): PicklingError
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: spawn
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# python = "<3.15"
# stdout = """
# multiprocessing Pool.map(lambda): PicklingError
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: forkserver
# """
#
# # PyPy 3.9 (7.3.11) has no _pickle module: pickle.Pickler is the pure-Python pickle._Pickler, which is also dill's
# # base class (dill/_dill.py: `from pickle import _Pickler as StockPickler`). Importing multiprocess imports dill,
# # whose __init__ calls extend() (dill/_dill.py, _extend): dill's types, FunctionType -> save_function among them,
# # are copied into pickle._Pickler.dispatch. multiprocessing's ForkingPickler subclasses pickle.Pickler, so in this
# # program it pickles the lambda by value too and Pool.map works (without importing dill it raises PicklingError,
# # checked by hand). CPython and PyPy 3.11 use _pickle's C Pickler, which dill's extend() does not touch.
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["fork"]
# holds = false  # multiprocessing's Pool maps the lambda too
# stdout = """
# multiprocessing Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: fork
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["spawn"]
# holds = false
# stdout = """
# multiprocessing Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: spawn
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# start_method = ["forkserver"]
# holds = false
# stdout = """
# multiprocessing Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess Pool.map(lambda): [0, 1, 4, 9, 16]
# multiprocess start method: forkserver
# """
#
# [[expect.when]]
# python = ">=3.15"
# implementation = ["cpython"]
# holds = false
# exit = 1
# exception = "AttributeError: 'code' object has no attribute 'co_lnotab'. Did you mean '.co_linetable' instead of '.co_lnotab'?"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/multiprocess_dill_lambda.py", line [..], in <module>
#     print(f"multiprocess Pool.map(lambda): {pool.map(lambda x: x * x, range(5))}")
#   [stdlib frames]
# AttributeError: 'code' object has no attribute 'co_lnotab'. Did you mean '.co_linetable' instead of '.co_lnotab'?
# when serializing tuple item 0
# when serializing function reconstructor arguments
# when serializing tuple item 0
# when serializing tuple item 0
# when serializing tuple item 3
# """
# stdout = """
# multiprocessing Pool.map(lambda): PicklingError
# """
# ///
import multiprocessing

import multiprocess

if __name__ == "__main__":
    method = multiprocessing.get_start_method()
    with multiprocessing.Pool(2) as pool:
        try:
            print(f"multiprocessing Pool.map(lambda): {pool.map(lambda x: x * x, range(5))}")
        except Exception as e:
            print(f"multiprocessing Pool.map(lambda): {type(e).__name__}")
    with multiprocess.get_context(method).Pool(2) as pool:
        print(f"multiprocess Pool.map(lambda): {pool.map(lambda x: x * x, range(5))}")
    print(f"multiprocess start method: {multiprocess.get_context(method).get_start_method()}")
