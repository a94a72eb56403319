"""``loop.set_default_executor()`` wants a ThreadPoolExecutor: from 3.11 any other executor is a TypeError; 3.8-3.10
accept one with a DeprecationWarning, and 3.7 accepts it silently.  ``run_in_executor(None, f)`` then runs ``f``
in that default executor.

``Lib/asyncio/base_events.py``, ``set_default_executor``: 3.8 adds ``if not isinstance(executor,
concurrent.futures.ThreadPoolExecutor): warnings.warn('Using the default executor that is not an instance of
ThreadPoolExecutor is deprecated ...', DeprecationWarning, 2)``; 3.11 makes it ``raise TypeError('executor must be
ThreadPoolExecutor')``.  The other executor here is a minimal ``concurrent.futures.Executor`` subclass that runs
the call at once in the caller, so no process is started.
"""
# /// case
# claim = "From 3.11 loop.set_default_executor() requires a ThreadPoolExecutor (TypeError otherwise; a DeprecationWarning from 3.8)."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.loop.set_default_executor"
# ids = ["T54"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# set_default_executor(an Executor that is not a ThreadPoolExecutor): TypeError: executor must be ThreadPoolExecutor instance; warnings: none
# run_in_executor(None, ...) after set_default_executor(a ThreadPoolExecutor) ran in: mine_0
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.8,<3.11"
# stdout = """
# set_default_executor(an Executor that is not a ThreadPoolExecutor): accepted; warnings: ['DeprecationWarning']
# run_in_executor(None, ...) after set_default_executor(a ThreadPoolExecutor) ran in: mine_0
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# set_default_executor(an Executor that is not a ThreadPoolExecutor): accepted; warnings: none
# run_in_executor(None, ...) after set_default_executor(a ThreadPoolExecutor) ran in: mine_0
# """
# ///
import asyncio
import concurrent.futures
import threading
import warnings


class InlineExecutor(concurrent.futures.Executor):
    def submit(self, fn, *args, **kwargs):
        future = concurrent.futures.Future()
        future.set_result(fn(*args, **kwargs))
        return future


async def main():
    loop = asyncio.get_running_loop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loop.set_default_executor(InlineExecutor())
            outcome = "accepted"
        except TypeError as e:
            outcome = f"TypeError: {e}"
    kinds = sorted({w.category.__name__ for w in caught}) or "none"
    print(f"set_default_executor(an Executor that is not a ThreadPoolExecutor): {outcome}; warnings: {kinds}")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mine")
    loop.set_default_executor(pool)
    name = await loop.run_in_executor(None, lambda: threading.current_thread().name)
    print(f"run_in_executor(None, ...) after set_default_executor(a ThreadPoolExecutor) ran in: {name}")


if __name__ == "__main__":
    asyncio.run(main())
