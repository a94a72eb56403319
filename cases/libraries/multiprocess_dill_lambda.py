"""multiprocess, the fork of multiprocessing that serialises with dill, maps a lambda over a Pool under every start
method; multiprocessing's own Pool cannot send it at all.

The standard pickler sends a function by reference (module and qualified name); a lambda's name ``<lambda>`` cannot
be looked up, so ``ForkingPickler.dumps`` raises ``PicklingError`` (``AttributeError`` on some versions) in the
parent's task handler, under any start method, and ``map`` re-raises it.  dill pickles the function's code object and
globals by value (``dill/_dill.py``, ``save_function``), and multiprocess uses dill's pickler for everything it sends
(``multiprocess/reduction.py``: ``ForkingPickler`` is based on ``dill.Pickler``), so the workers rebuild the lambda.

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
