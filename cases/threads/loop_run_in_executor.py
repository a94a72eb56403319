"""``loop.run_in_executor()``, the docs' example (options 1 and 2, thread pools): with ``None`` the call runs in
the loop's default executor, a ThreadPoolExecutor created lazily on the first such call, and with a pool of one's
own in that pool; the event loop's thread is not the one that runs it.

``Lib/asyncio/base_events.py``, ``run_in_executor``: ``if executor is None: executor = self._default_executor;
if executor is None: executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix='asyncio')`` (3.9+;
3.7-3.8 pass no prefix, so the threads are ``ThreadPoolExecutor-N_M``).  ``blocking_io`` reads 100 bytes of
``/dev/urandom`` as in the docs; the case prints their count.  Windows has no ``/dev/urandom``, so there
``blocking_io`` reads 100 bytes from a file the case writes first (under Wine a Windows process opens Linux's
``/dev/urandom`` by that path, which Windows would refuse with FileNotFoundError).
"""
# /// case
# claim = "run_in_executor(None, f) runs f in a lazily created default ThreadPoolExecutor, and run_in_executor(pool, f) in the given pool, off the event loop's thread."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.loop.run_in_executor"
# ids = ["T55"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# default executor before the first call: None
# default thread pool (100, 'asyncio_N')
# default executor after it: ThreadPoolExecutor
# custom thread pool (100, 'ThreadPoolExecutor-N_N')
# the loop runs in: MainThread
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.9"
# stdout = """
# default executor before the first call: None
# default thread pool (100, 'ThreadPoolExecutor-N_N')
# default executor after it: ThreadPoolExecutor
# custom thread pool (100, 'ThreadPoolExecutor-N_N')
# the loop runs in: MainThread
# """
# ///
import asyncio
import concurrent.futures
import os
import re
import sys
import tempfile
import threading

RANDOM_FILE = '/dev/urandom'


def blocking_io():
    # File operations (such as logging) can block the
    # event loop: run them in a thread pool.
    with open(RANDOM_FILE, 'rb') as f:
        return len(f.read(100)), re.sub(r"\d+", "N", threading.current_thread().name)


async def main():
    loop = asyncio.get_running_loop()
    print(f"default executor before the first call: {loop._default_executor}")

    # 1. Run in the default loop's executor:
    result = await loop.run_in_executor(
        None, blocking_io)
    print('default thread pool', result)
    print(f"default executor after it: {type(loop._default_executor).__name__}")

    # 2. Run in a custom thread pool:
    with concurrent.futures.ThreadPoolExecutor() as pool:
        result = await loop.run_in_executor(
            pool, blocking_io)
        print('custom thread pool', result)
    print(f"the loop runs in: {threading.current_thread().name}")

if __name__ == '__main__':
    if sys.platform == 'win32':
        with tempfile.TemporaryDirectory() as tmp:
            RANDOM_FILE = os.path.join(tmp, 'random')
            with open(RANDOM_FILE, 'wb') as f:
                f.write(os.urandom(100))
            asyncio.run(main())
    else:
        asyncio.run(main())
