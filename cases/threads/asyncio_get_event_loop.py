"""``asyncio.get_event_loop()`` called where no loop runs and none is set: 3.7-3.11 create one (3.10.0-3.10.8 and
3.11.0 already warn), 3.12 and 3.13 create one with a DeprecationWarning, and from 3.14 it raises RuntimeError.  In
a thread other than the main thread it raises RuntimeError on every version.

``Lib/asyncio/events.py``, ``BaseDefaultEventLoopPolicy.get_event_loop``: the policy creates a loop only
``if self._local._loop is None and not self._local._set_called and threading.current_thread() is
threading.main_thread()``; 3.12 adds ``warnings.warn('There is no current event loop', DeprecationWarning)``
there (3.12 ``events.py:693``); 3.14 removes the creation and raises ``RuntimeError('There is no current event
loop in thread %r.')``.  Each call is made in a fresh interpreter (``-I -W always``), so no earlier loop is
set.

Windows CPython 3.12 and 3.13 under Wine 8.0 and 10.0 print one more line at the probe's exit: ``asyncio\\base_events.py:730:
ResourceWarning: unclosed event loop <ProactorEventLoop ...>`` (line 764 in 3.13), the finalizer of the loop
``get_event_loop()`` created, which nobody closed; ResourceWarning is ignored by default, and why this build shows
it at exit where Linux's 3.12 does not is not established here (the probe's own ``catch_warnings`` has ended by
then).  Only a Windows run can tell whether Windows shows it too.
"""
# /// case
# claim = "get_event_loop() with no current loop creates one in the main thread (with a DeprecationWarning from 3.12) and raises RuntimeError from 3.14, and in other threads always raises RuntimeError."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#asyncio.get_event_loop"
# ids = ["T34", "T35"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# main thread: returned a new loop; warnings: none
# other thread: RuntimeError: There is no current event loop in thread 'other'.; warnings: none
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.12,<3.14"
# stdout = """
# main thread: returned a new loop; warnings: ['DeprecationWarning']
# other thread: RuntimeError: There is no current event loop in thread 'other'.; warnings: none
# """
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# main thread: RuntimeError: There is no current event loop in thread 'MainThread'.; warnings: none
# other thread: RuntimeError: There is no current event loop in thread 'other'.; warnings: none
# """
#
# # Observed under Wine 8.0 and 10.0 (Windows CPython 3.12.9 and 3.13.2; not yet on Windows itself): the unclosed loop's
# # ResourceWarning at exit (see the docstring).
# [[expect.when]]
# platform = ["win32-wine"]
# python = ">=3.12,<3.14"
# stdout = """
# main thread: returned a new loop; warnings: ['DeprecationWarning']
# other thread: RuntimeError: There is no current event loop in thread 'other'.; warnings: none
# asyncio\\base_events.py:[..]: ResourceWarning: unclosed event loop <ProactorEventLoop running=False closed=False debug=False>
# """
# ///
import subprocess
import sys

PROBE = r"""
import asyncio, threading, warnings
def probe():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loop = asyncio.get_event_loop()
            result = "returned a new loop" if not loop.is_running() else "returned a running loop"
        except RuntimeError as e:
            result = f"RuntimeError: {e}"
    kinds = sorted({w.category.__name__ for w in caught})
    return f"{result}; warnings: {kinds or 'none'}"
print(f"main thread: {probe()}")
out = []
t = threading.Thread(target=lambda: out.append(probe()), name="other")
t.start(); t.join()
print(f"other thread: {out[0]}")
"""

if __name__ == "__main__":
    done = subprocess.run([sys.executable, "-I", "-c", PROBE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=60)
    print(done.stdout, end="")
