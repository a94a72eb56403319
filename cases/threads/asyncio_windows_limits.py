"""What the "Platform Support" page says of Windows: no event loop there supports ``add_signal_handler()``
(NotImplementedError); the default ProactorEventLoop runs subprocesses but has no ``add_reader()``; the
SelectorEventLoop has ``add_reader()`` but cannot run subprocesses.

``Lib/asyncio/events.py``, ``AbstractEventLoop.add_signal_handler`` raises NotImplementedError and no Windows
loop overrides it; ``proactor_events.py``: ``BaseProactorEventLoop.add_reader`` raises NotImplementedError;
``base_events.py``: ``BaseEventLoop._make_subprocess_transport`` raises NotImplementedError, overridden by
``unix_events._UnixSelectorEventLoop`` and ``windows_events.ProactorEventLoop`` only.  Elsewhere than Windows
the case exits 77 (skip): the claim is about Windows.
"""
# /// case
# claim = "On Windows no event loop supports add_signal_handler(), the default ProactorEventLoop runs subprocesses but lacks add_reader(), and the SelectorEventLoop cannot run subprocesses."
# source = "https://docs.python.org/3.14/library/asyncio-platforms.html#windows"
# ids = ["T43", "T44"]
# start_methods = ["default"]
# timeout = 60
#
# # predicted from Doc/library/asyncio-platforms.rst and Lib/asyncio/proactor_events.py, windows_events.py,
# # base_events.py (3.8+), not observed on Windows
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.8"
# stdout = """
# ProactorEventLoop add_signal_handler: NotImplementedError
# ProactorEventLoop add_reader: NotImplementedError
# ProactorEventLoop subprocess: exit code 0
# SelectorEventLoop add_signal_handler: NotImplementedError
# SelectorEventLoop add_reader: supported
# SelectorEventLoop subprocess: NotImplementedError
# """
# stderr = ""
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = ">=3.8"
# stdout = """
# ProactorEventLoop add_signal_handler: NotImplementedError
# ProactorEventLoop add_reader: NotImplementedError
# ProactorEventLoop subprocess: exit code 0
# SelectorEventLoop add_signal_handler: NotImplementedError
# SelectorEventLoop add_reader: supported
# SelectorEventLoop subprocess: NotImplementedError
# """
# stderr = ""
# ///
import asyncio
import signal
import socket
import sys


async def probe(name):
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, lambda: None)
        print(f"{name} add_signal_handler: supported")
    except NotImplementedError:
        print(f"{name} add_signal_handler: NotImplementedError")
    a, b = socket.socketpair()
    try:
        loop.add_reader(a.fileno(), lambda: None)
        loop.remove_reader(a.fileno())
        print(f"{name} add_reader: supported")
    except NotImplementedError:
        print(f"{name} add_reader: NotImplementedError")
    a.close()
    b.close()
    try:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        print(f"{name} subprocess: exit code {await proc.wait()}")
    except NotImplementedError:
        print(f"{name} subprocess: NotImplementedError")


if __name__ == "__main__":
    if sys.platform != "win32":
        sys.stderr.write(f"the claim is about Windows; this is {sys.platform}\n")
        sys.exit(77)
    for name in ("ProactorEventLoop", "SelectorEventLoop"):
        loop = getattr(asyncio, name)()
        try:
            loop.run_until_complete(probe(name))
        finally:
            loop.close()
