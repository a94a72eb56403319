"""cloudpickle serialises a lambda (and a closure) defined in ``__main__`` by value, so a worker of any start method
can run it from the bytes alone; the standard pickle refuses it.

``pickle.dumps`` of a lambda raises ``PicklingError`` (``Can't pickle <function <lambda>>: attribute lookup``),
since a function is pickled by reference.  cloudpickle's ``Pickler.reducer_override`` (``cloudpickle/cloudpickle.py``:
``_dynamic_function_reduce`` for functions whose module is ``__main__`` or that cannot be looked up) writes the code
object, the globals the function uses and its closure cells.  The bytes are ordinary pickle data: the worker loads
them with plain ``pickle.loads``, importing cloudpickle only for its helper functions.  The case sends them through a
multiprocessing Pool of the cell's start method.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["cloudpickle"]
# ///

# /// case
# claim = "cloudpickle can serialise lambdas and closures defined in __main__, which pickle cannot, so a spawn worker can run them."
# source = "https://github.com/cloudpipe/cloudpickle#cloudpickle"
# ids = ["L6"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# pickle.dumps(lambda): PicklingError
# cloudpickled lambda run in the workers: [11, 12, 13]
# """
# stderr = ""
#
# # PyPy 3.11 only: PyPy 3.9 with the same cloudpickle (3.1.3) behaves as CPython does (observed here)
# [[expect.when]]
# implementation = ["pypy"]
# python = ">=3.11"
# holds = false
# exit = 1
# exception = "AttributeError: type object 'Pickler' has no attribute 'dispatch'"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/cloudpickle_lambda_spawn.py", line [..], in <module>
#     import cloudpickle
#   [stdlib frames]
# AttributeError: type object 'Pickler' has no attribute 'dispatch'
# """
# stdout = ""
# ///
import multiprocessing
import pickle

import cloudpickle


def call(payload, arg):
    return pickle.loads(payload)(arg)


if __name__ == "__main__":
    offset = 10
    add = lambda x: x + offset  # noqa: E731 - a closure over a local of __main__
    try:
        pickle.dumps(add)
        print("pickle.dumps(lambda): ok")
    except Exception as e:
        print(f"pickle.dumps(lambda): {type(e).__name__}")
    payload = cloudpickle.dumps(add)
    with multiprocessing.Pool(2) as pool:
        results = pool.starmap(call, [(payload, 1), (payload, 2), (payload, 3)])
    print(f"cloudpickled lambda run in the workers: {results}")
