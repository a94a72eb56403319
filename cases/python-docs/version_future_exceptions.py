"""Future exceptions over versions: set_result()/set_exception() on a done Future raise InvalidStateError (3.8);
concurrent.futures.TimeoutError is the builtin TimeoutError (3.11).

``Future.set_result`` and ``set_exception`` (concurrent/futures/_base.py) check ``self._state`` from 3.8 and
raise ``InvalidStateError('{}: {!r}'.format(self._state, self))`` when the future is already finished; up to
3.7 they overwrote the result silently.  ``concurrent.futures.TimeoutError`` was its own ``Error`` subclass up
to 3.10; 3.11 made it an alias of the builtin ``TimeoutError`` (an ``OSError`` subclass), so
``except TimeoutError`` catches a ``Future.result(timeout=...)`` that runs out.
"""
# /// case
# claim = "From 3.8, set_result() or set_exception() on a finished Future raises InvalidStateError; from 3.11, concurrent.futures.TimeoutError is the builtin TimeoutError, so Future.result(timeout) raises a builtin TimeoutError."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.Future.set_result"
# ids = ["D95", "D96"]
# timeout = 30
#
# [expect]
# stdout = """
# second set_result(): InvalidStateError; result stays 1
# set_exception() after set_result(): InvalidStateError; result stays 1
# concurrent.futures.TimeoutError is the builtin TimeoutError: True
# result(timeout=0.01) on a pending future raises a builtin TimeoutError: True
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.11"
# stdout = """
# second set_result(): InvalidStateError; result stays 1
# set_exception() after set_result(): InvalidStateError; result stays 1
# concurrent.futures.TimeoutError is the builtin TimeoutError: False
# result(timeout=0.01) on a pending future raises a builtin TimeoutError: False
# """
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# second set_result(): no exception; result becomes 2
# set_exception() after set_result(): no exception; result becomes ValueError
# concurrent.futures.TimeoutError is the builtin TimeoutError: False
# result(timeout=0.01) on a pending future raises a builtin TimeoutError: False
# """
# ///
import builtins
import concurrent.futures
from concurrent.futures import Future


def current(future):
    try:
        return future.result(timeout=0)
    except Exception as e:
        return type(e).__name__


def second_call(call, label):
    future = Future()
    future.set_result(1)
    try:
        call(future)
    except Exception as e:
        print(f"{label}: {type(e).__name__}; result stays {current(future)}")
    else:
        print(f"{label}: no exception; result becomes {current(future)}")


if __name__ == "__main__":
    second_call(lambda f: f.set_result(2), "second set_result()")
    second_call(lambda f: f.set_exception(ValueError("late")), "set_exception() after set_result()")
    print(f"concurrent.futures.TimeoutError is the builtin TimeoutError: "
          f"{concurrent.futures.TimeoutError is builtins.TimeoutError}")
    try:
        Future().result(timeout=0.01)
    except Exception as e:
        print(f"result(timeout=0.01) on a pending future raises a builtin TimeoutError: "
              f"{isinstance(e, builtins.TimeoutError)}")
