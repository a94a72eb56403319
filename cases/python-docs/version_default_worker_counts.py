"""Default worker counts of Pool, ThreadPool, ProcessPoolExecutor and ThreadPoolExecutor, and how they changed.

* ``Pool()`` and ``ThreadPool()``: ``os.cpu_count() or 1`` up to 3.12, ``os.process_cpu_count() or 1`` from
  3.13 (``Pool.__init__`` in multiprocessing/pool.py).
* ``ProcessPoolExecutor()``: the same change in 3.13 (``concurrent/futures/process.py``).
* ``ThreadPoolExecutor()``: ``(os.cpu_count() or 1) * 5`` in 3.7, ``min(32, os.cpu_count() + 4)`` from 3.8,
  ``min(32, (os.process_cpu_count() or 1) + 4)`` from 3.13 (``concurrent/futures/thread.py``).

``os.process_cpu_count()`` counts the CPUs this process may run on (its affinity mask), so the case pins itself
to one CPU (``os.sched_setaffinity``, Linux only) and reads the counts each constructor chose.  They are private
attributes (``Pool._processes``, ``Executor._max_workers``): the count a pool or executor grows to, read without
making it grow.  The case prints which formula the count matches, never the number, so that its output is the
same on any machine with 2 or more CPUs (on one CPU the formulas coincide: the case skips).  PyPy 3.9 has no
``os.sched_setaffinity``: the case skips there too.
"""
# /// case
# claim = "With no worker count, Pool, ThreadPool and ProcessPoolExecutor use os.process_cpu_count() from 3.13 (os.cpu_count() before); ThreadPoolExecutor uses min(32, os.cpu_count() + 4) from 3.8 and min(32, os.process_cpu_count() + 4) from 3.13."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.ThreadPoolExecutor"
# ids = ["D71", "D72", "D73", "D74", "D75"]
# timeout = 30
# platforms = ["linux"]
#
# [expect]
# stdout = """
# pinned to one CPU
# Pool(): CPUs usable
# ThreadPool(): CPUs usable
# ProcessPoolExecutor(): CPUs usable
# ThreadPoolExecutor(): min(32, CPUs usable + 4)
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.13"
# stdout = """
# pinned to one CPU
# Pool(): os.cpu_count()
# ThreadPool(): os.cpu_count()
# ProcessPoolExecutor(): os.cpu_count()
# ThreadPoolExecutor(): min(32, os.cpu_count() + 4)
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# pinned to one CPU
# Pool(): os.cpu_count()
# ThreadPool(): os.cpu_count()
# ProcessPoolExecutor(): os.cpu_count()
# ThreadPoolExecutor(): os.cpu_count() * 5
# """
# ///
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool


def formula(count, formulas):
    """The name of the one formula giving count, or a note when none or several do."""
    names = [name for name, value in formulas if value == count]
    return names[0] if len(names) == 1 else f"{len(names)} formulas match"


if __name__ == "__main__":
    if not hasattr(os, "sched_setaffinity") or os.cpu_count() < 2:
        sys.exit(77)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print("pinned to one CPU")
    machine, usable = os.cpu_count(), len(os.sched_getaffinity(0))
    plain = [("os.cpu_count()", machine), ("CPUs usable", usable)]
    with Pool() as pool:
        print(f"Pool(): {formula(pool._processes, plain)}")
    with ThreadPool() as pool:
        print(f"ThreadPool(): {formula(pool._processes, plain)}")
    with ProcessPoolExecutor() as executor:
        print(f"ProcessPoolExecutor(): {formula(executor._max_workers, plain)}")
    threads = [("os.cpu_count() * 5", machine * 5), ("min(32, os.cpu_count() + 4)", min(32, machine + 4)),
               ("min(32, CPUs usable + 4)", min(32, usable + 4))]
    with ThreadPoolExecutor() as executor:
        print(f"ThreadPoolExecutor(): {formula(executor._max_workers, threads)}")
