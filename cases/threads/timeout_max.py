"""``threading.TIMEOUT_MAX`` is the largest timeout the blocking functions accept: a larger one raises
OverflowError (from ``Lock.acquire``, ``Event.wait`` and the others, which pass it down to the lock).

``Modules/_threadmodule.c``, ``lock_acquire_parse_args``: ``if (timeout > PY_TIMEOUT_MAX) ... "timeout value is
too large"`` (OverflowError); ``TIMEOUT_MAX`` is ``PY_TIMEOUT_MAX`` in seconds.  The lock is free, so the
acquire that is accepted returns at once.  On Windows ``PY_TIMEOUT_MAX`` is much smaller (the wait is a
``DWORD`` of milliseconds: ``TIMEOUT_MAX`` is 4294967.0 s there), twice it still converts to a ``_PyTime_t``, and
every version reaches the "timeout value is too large" check, whose message it prints
(observed under Wine 8.0, CPython 3.8-3.13; not yet on Windows itself).  On Linux twice ``TIMEOUT_MAX`` already
fails the conversion, whose message changed in 3.11 and 3.13.
"""
# /// case
# claim = "A timeout larger than threading.TIMEOUT_MAX raises OverflowError."
# source = "https://docs.python.org/3.14/library/threading.html#threading.TIMEOUT_MAX"
# ids = ["T30"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp too large to convert to C _PyTime_t
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp too large to convert to C _PyTime_t
# """
# stderr = ""
#
# # The message changed within patch releases: between 3.11.2 and 3.11.7 (3.11.3-3.11.6 not observed) and between
# # 3.13.0 and 3.13.18 (3.13.1-3.13.17 not observed), as observed here.
# [[expect.when]]
# python = ">=3.13.18"
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp out of range for C PyTime_t
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp out of range for C PyTime_t
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# """
#
# [[expect.when]]
# python = ">=3.11.7,<3.13.18"
# implementation = ["cpython"]
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp out of range for platform time_t
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timestamp out of range for platform time_t
# """
#
# # Predicted for Windows from _threadmodule.c and PY_TIMEOUT_MAX's Windows value, not observed there.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# acquire(timeout=TIMEOUT_MAX) on a free lock: True
# Lock.acquire(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# Event.wait(timeout=2 * TIMEOUT_MAX): OverflowError: timeout value is too large
# """
# ///
import threading

if __name__ == "__main__":
    lock = threading.Lock()
    print(f"acquire(timeout=TIMEOUT_MAX) on a free lock: {lock.acquire(timeout=threading.TIMEOUT_MAX)}")
    lock.release()
    for name, call in (("Lock.acquire", lambda t: lock.acquire(timeout=t)),
                       ("Event.wait", lambda t: threading.Event().wait(t))):
        try:
            call(threading.TIMEOUT_MAX * 2)
            print(f"{name}(timeout=2 * TIMEOUT_MAX): no error")
        except OverflowError as e:
            print(f"{name}(timeout=2 * TIMEOUT_MAX): OverflowError: {e}")
