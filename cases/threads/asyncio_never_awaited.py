"""The "Developing with asyncio" example of a coroutine that is called but never awaited: Python emits
``RuntimeWarning: coroutine 'test' was never awaited`` (pointing at the call) and the coroutine's body never runs.

The warning comes from the coroutine object's finalizer (``Objects/genobject.c``, ``_PyErr_WarnUnawaitedCoroutine``)
when ``test()``'s unawaited coroutine object is destroyed, at the end of ``main()``'s frame.  Run as written.
PyPy has no reference counting: the object is finalized only by a garbage collection, which this short program
never triggers, and PyPy runs no finalizers at exit, so nothing is printed there (a ``gc.collect()`` at the end
would print the warning).
"""
# /// case
# claim = "A coroutine called but never awaited or scheduled emits RuntimeWarning: coroutine '...' was never awaited, and its body does not run."
# source = "https://docs.python.org/3.14/library/asyncio-dev.html#detect-never-awaited-coroutines"
# ids = ["T48"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = ""
# stderr = """
# <case>/asyncio_never_awaited.py:[..]: RuntimeWarning: coroutine 'test' was never awaited
#   test()
# RuntimeWarning: Enable tracemalloc to get the object allocation traceback
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# exit = 0
# stderr = ""
# holds = false
# ///
import asyncio

async def test():
    print("never scheduled")

async def main():
    test()

asyncio.run(main())
