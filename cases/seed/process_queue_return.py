"""A child Process cannot return a value; it sends it back to the parent through a multiprocessing.Queue.

`Process(target=func)` discards whatever `func` returns: `BaseProcess._bootstrap` calls `self.run()` and keeps
only the exit code (Lib/multiprocessing/process.py), and `p.exitcode` is all the parent ever learns. The post's
heading "获取返回值 › 使用multiprocessing.Queue" has no text; this case fills it: the queue is passed in `args`
(allowed for a Process, see S1), the child puts its result, the parent `get()`s it.

The parent calls `q.get()` *before* `p.join()`, as the multiprocessing docs ask ("Joining processes that use
queues"): a child that has put data on a queue waits at exit until its feeder thread has flushed the data into
the pipe, so joining first can deadlock once the data no longer fits in the pipe buffer.  The second part shows
it is not a small-value trick: a 1 MB result (bigger than a 64 KiB Linux pipe buffer) comes back intact.
"""
# /// case
# claim = "A child Process returns a value to its parent by putting it on a multiprocessing.Queue that the parent gets (Process itself discards the target's return value)."
# source = "seed §进程/获取返回值/使用multiprocessing.Queue"
# ids = ["S12"]
# timeout = 60
#
# [expect]
# stdout = """
# I am MainProcess, Process-1 returned 49
# exitcode is 0 (func's return value is not kept)
# results: [('Process-2', 1), ('Process-3', 4), ('Process-4', 9)]
# 1 MB result intact: True
# """
# exit = 0
# ///
import multiprocessing
from multiprocessing import Process, Queue


def func(q, x):
    r = x * x  # the "return value"
    q.put((multiprocessing.current_process().name, r))
    return r  # thrown away by Process: the parent only sees exitcode


def big(q):
    q.put(b"x" * (1 << 20))


if __name__ == "__main__":
    q = Queue()
    p = Process(target=func, args=(q, 7))
    p.start()
    name, r = q.get()  # get before join
    p.join()
    print(f"I am {multiprocessing.current_process().name}, {name} returned {r}")
    print(f"exitcode is {p.exitcode} (func's return value is not kept)")

    # Several children, one queue: results arrive in completion order, so sort them.
    ps = [Process(target=func, args=(q, x)) for x in (1, 2, 3)]
    for p in ps:
        p.start()
    results = sorted(q.get() for _ in ps)
    for p in ps:
        p.join()
    print(f"results: {results}")

    p = Process(target=big, args=(q,))
    p.start()
    data = q.get()
    p.join()
    print(f"1 MB result intact: {data == b'x' * (1 << 20)}")
