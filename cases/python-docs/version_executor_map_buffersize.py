"""Executor.map(..., buffersize=n), new in 3.14, takes its input lazily: it works on an endless iterator.

Without ``buffersize``, ``Executor.map`` submits every item before returning (``fs = [self.submit(fn, *args)
for args in zip(*iterables)]`` in concurrent/futures/_base.py), so an endless input never returns.  With
``buffersize=n`` (3.14) it submits the first n items, and before yielding each result submits one more item
(``result_iterator`` in ``_base.py``), so after k results exactly n + k items have been taken from the input.
Before 3.14 the keyword is a ``TypeError``.

The case maps over ``itertools.count()`` through a wrapper that counts the items taken, reads three results
and says how many items were consumed.
"""
# /// case
# claim = "From 3.14, Executor.map(fn, iterable, buffersize=n) takes items lazily, at most n ahead of the results read, so it works on an endless iterable."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.Executor.map"
# ids = ["D94"]
# timeout = 30
#
# [expect]
# stdout = """
# first three results from an endless input: [0, 1, 4]
# items taken from the input (buffersize=2): 5
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# map(buffersize=2): TypeError: [..]map() got an unexpected keyword argument 'buffersize'
# """
# ///
import itertools
from concurrent.futures import ThreadPoolExecutor

taken = 0


def counted(items):
    global taken
    for item in items:
        taken += 1
        yield item


def square(x):
    return x * x


if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=2) as executor:
        try:
            results = executor.map(square, counted(itertools.count()), buffersize=2)
        except TypeError as e:
            print(f"map(buffersize=2): TypeError: {e}")
        else:
            print(f"first three results from an endless input: {list(itertools.islice(results, 3))}")
            print(f"items taken from the input (buffersize=2): {taken}")
            results.close()
