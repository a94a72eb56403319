"""``loop.add_signal_handler()`` is documented to raise ValueError "if the signal number is invalid or
uncatchable": an invalid number (0) does raise ValueError, but an uncatchable signal (SIGKILL, SIGSTOP) raises
RuntimeError.

``Lib/asyncio/unix_events.py``, ``add_signal_handler``: ``self._check_signal(sig)`` raises ValueError only when
``not (1 <= sig < signal.NSIG)``; then ``signal.signal(sig, _sighandler_noop)`` fails with ``OSError(EINVAL)``
for SIGKILL and SIGSTOP, which the method turns into ``RuntimeError(f'sig {sig:d} cannot be caught')`` (the same
lines in 3.7 and 3.15).
"""
# /// case
# claim = "loop.add_signal_handler() raises ValueError if the signal number is invalid or uncatchable."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.loop.add_signal_handler"
# ids = ["T41"]
# start_methods = ["default"]
# platforms = ["linux", "darwin"]
# timeout = 60
#
# [expect]
# stdout = """
# add_signal_handler(SIGKILL): RuntimeError: sig 9 cannot be caught
# add_signal_handler(SIGSTOP): RuntimeError: sig 19 cannot be caught
# add_signal_handler(0): ValueError: invalid signal number 0
# """
# stderr = ""
# holds = false
#
# [[expect.when]]
# python = "<3.8"
# stdout = """
# add_signal_handler(SIGKILL): RuntimeError: sig 9 cannot be caught
# add_signal_handler(SIGSTOP): RuntimeError: sig 19 cannot be caught
# add_signal_handler(0): ValueError: sig 0 out of range(1, 65)
# """
#
# # predicted from Lib/asyncio/unix_events.py (the same path; SIGSTOP is 17 on macOS), not observed
# [[expect.when]]
# platform = ["darwin"]
# python = ">=3.8"
# stdout = """
# add_signal_handler(SIGKILL): RuntimeError: sig 9 cannot be caught
# add_signal_handler(SIGSTOP): RuntimeError: sig 17 cannot be caught
# add_signal_handler(0): ValueError: invalid signal number 0
# """
# ///
import asyncio
import signal


def try_add(loop, signum):
    try:
        loop.add_signal_handler(signum, lambda: None)
        return "added"
    except (ValueError, RuntimeError) as e:
        return f"{type(e).__name__}: {e}"


if __name__ == "__main__":
    loop = asyncio.new_event_loop()
    print(f"add_signal_handler(SIGKILL): {try_add(loop, signal.SIGKILL)}")
    print(f"add_signal_handler(SIGSTOP): {try_add(loop, signal.SIGSTOP)}")
    print(f"add_signal_handler(0): {try_add(loop, 0)}")
    loop.close()
