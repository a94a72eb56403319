"""The "Developing with asyncio" example of an exception nobody retrieves: a task raises, nothing awaits it, and
when the task is destroyed asyncio logs ``Task exception was never retrieved`` with the traceback.

``Lib/asyncio/futures.py``, ``Future.__del__``: ``if not self.__log_traceback: return`` else
``self._loop.call_exception_handler({'message': f'{self.__class__.__name__} exception was never retrieved',
...})`` (``_asyncio`` has the C twin, ``FutureObj_finalize``); the default handler logs it on the ``asyncio``
logger, which prints to stderr through logging's last-resort handler.  Run as written.  On PyPy the finished
task is finalized only by a garbage collection, which this program never triggers before it exits, and PyPy runs
no finalizers at exit: nothing is logged (a ``gc.collect()`` at the end would log it).
"""
# /// case
# claim = "A task whose exception is never retrieved is logged as 'Task exception was never retrieved' with its traceback when it is destroyed."
# source = "https://docs.python.org/3.14/library/asyncio-dev.html#detect-never-retrieved-exceptions"
# ids = ["T49"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# exception = "Exception: not consumed"
# stdout = ""
# stderr = """
# Task exception was never retrieved
# future: <Task finished name='Task-2' coro=<bug() done, defined at <case>/asyncio_never_retrieved.py:[..]> exception=Exception('not consumed')>
# Traceback (most recent call last):
#   File "<case>/asyncio_never_retrieved.py", line [..], in bug
#     raise Exception("not consumed")
# Exception: not consumed
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# exit = 0
# stderr = ""
# holds = false
#
# [[expect.when]]
# python = "<3.8"
# exit = 0
# exception = "Exception: not consumed"
# stderr = """
# Task exception was never retrieved
# future: <Task finished coro=<bug() done, defined at <case>/asyncio_never_retrieved.py:[..]> exception=Exception('not consumed')>
# Traceback (most recent call last):
#   File "<case>/asyncio_never_retrieved.py", line [..], in bug
#     raise Exception("not consumed")
# Exception: not consumed
# """
# ///
import asyncio

async def bug():
    raise Exception("not consumed")

async def main():
    asyncio.create_task(bug())

asyncio.run(main())
