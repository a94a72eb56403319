"""Timeouts: ``asyncio.timeout()`` (3.11) cancels the block's work when the deadline passes and raises TimeoutError
at its end, and from 3.11 ``asyncio.TimeoutError`` is the builtin TimeoutError, so ``wait_for()``'s timeout is
caught by ``except TimeoutError``.

``Lib/asyncio/timeouts.py``, ``Timeout.__aexit__``: ``if self._state is _State.EXPIRING: ... raise TimeoutError
from exc_val``; 3.11 ``Lib/asyncio/exceptions.py``: ``TimeoutError = TimeoutError`` (before, ``class
TimeoutError(Exception)``, which the builtin does not catch).  The awaited future never completes, so only the
timeout can end the wait.
"""
# /// case
# claim = "asyncio.timeout() (3.11) raises TimeoutError when its deadline passes, and from 3.11 asyncio.TimeoutError is the builtin TimeoutError."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#timeouts"
# ids = ["T62", "T63"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# asyncio.TimeoutError is TimeoutError: True
# wait_for() timed out: caught by except TimeoutError
# asyncio.timeout(0.01) raised TimeoutError, caused by CancelledError
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.11"
# stdout = """
# asyncio.TimeoutError is TimeoutError: False
# wait_for() timed out: caught by except asyncio.TimeoutError only
# asyncio.timeout: absent
# """
#
# # Early 3.11 raised the TimeoutError without chaining the CancelledError it replaced: observed on 3.11.2, not on
# # 3.11.7 (3.11.3-3.11.6 not observed here).
# [[expect.when]]
# python = ">=3.11,<3.11.7"
# stdout = """
# asyncio.TimeoutError is TimeoutError: True
# wait_for() timed out: caught by except TimeoutError
# asyncio.timeout(0.01) raised TimeoutError, caused by NoneType
# """
# ///
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    print(f"asyncio.TimeoutError is TimeoutError: {asyncio.TimeoutError is TimeoutError}")
    try:
        await asyncio.wait_for(loop.create_future(), timeout=0.01)
    except TimeoutError:
        print("wait_for() timed out: caught by except TimeoutError")
    except asyncio.TimeoutError:
        print("wait_for() timed out: caught by except asyncio.TimeoutError only")
    if not hasattr(asyncio, "timeout"):
        print("asyncio.timeout: absent")
        return
    try:
        async with asyncio.timeout(0.01):
            await loop.create_future()
    except TimeoutError as e:
        print(f"asyncio.timeout(0.01) raised {type(e).__name__}, caused by {type(e.__cause__).__name__}")


if __name__ == "__main__":
    asyncio.run(main())
