# /// case
# claim = "A Pool that is no longer referenced is shut down at once: its workers are gone right after `del pool`."
# source = "https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool"
# ids = ["M2"]
# ///
"""Pool registers a finalizer that terminates its workers when the Pool object is freed. When is that?

`Pool.__init__` (Lib/multiprocessing/pool.py) registers `util.Finalize(self, self._terminate_pool, ...)`, a
weakref callback: it runs when the last reference to the Pool goes, which under CPython's reference counting is
the `del` itself. From 3.8 the Pool's worker-handler thread holds no reference to the Pool (`_handle_workers` is
given its fields, `args=(self._cache, self._taskqueue, ...)`); in 3.7 it was given the Pool itself,
`args=(self, )`, so the Pool outlived `del` for as long as that thread ran. PyPy has no reference counting: the
Pool is freed at a later garbage collection.

From 3.8 a result object holds its Pool too (`self._pool`), until the result-handler thread has run
`ApplyResult._set()` to its end: `_set()` sets the event that wakes `get()` first and runs `self._pool = None`
after. A `del pool` in between frees nothing yet: a version of this case that used `map()`, whose task generator (a
method of the Pool) also holds it until the task-handler thread has exhausted it, saw 2 workers alive in 2 of 306
runs (CPython 3.8 fork, 3.13 forkserver). So the case uses `apply_async()`, whose task is a plain list, and lets go
of the Pool only once the result object is gone, which it waits for (at most 10 s; PyPy frees it when it collects).
"""
import gc
import multiprocessing
import time
import weakref


def square(x):
    return x * x


def wait_until_gone(ref, seconds=10):
    deadline = time.monotonic() + seconds
    while ref() is not None and time.monotonic() < deadline:
        gc.collect()  # PyPy frees the result object only when it collects (the Pool is still referenced here)
        time.sleep(0.001)


if __name__ == "__main__":
    pool = multiprocessing.Pool(2)
    result = pool.apply_async(square, (3,))
    print("square(3) in a worker:", result.get())
    gone = weakref.ref(result)
    del result
    wait_until_gone(gone)  # the result-handler thread has let go of the result object, and of the Pool with it
    del pool  # no close(), no terminate(), no `with`
    print("workers still alive after del:", len(multiprocessing.active_children()))
