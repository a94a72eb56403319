"""The event loop asyncio uses by default: on Unix a SelectorEventLoop on the most efficient selector
(``epoll`` on Linux, ``kqueue`` on macOS), and on Windows, from 3.8, a ProactorEventLoop (IOCP);
``asyncio.EventLoop`` (3.13) names that class.

``Lib/asyncio/unix_events.py``: ``SelectorEventLoop = _UnixSelectorEventLoop``, whose selector is
``selectors.DefaultSelector`` (``Lib/selectors.py`` picks epoll, then kqueue, devpoll, poll, select);
3.13 adds ``EventLoop = SelectorEventLoop`` there and ``EventLoop = ProactorEventLoop`` in
``windows_events.py``, whose ``DefaultEventLoopPolicy`` is the proactor one from 3.8 (``windows_events.py``:
``DefaultEventLoopPolicy = WindowsProactorEventLoopPolicy``).  A proactor loop has a ``_selector`` too: its
proactor (``Lib/asyncio/proactor_events.py``, ``BaseProactorEventLoop.__init__``: ``self._selector = proactor  #
convenient alias``), so on Windows the case names ``IocpProactor`` there (observed under Wine 8.0, CPython
3.8-3.13; not yet on Windows itself).
"""
# /// case
# claim = "By default asyncio runs a SelectorEventLoop on the platform's best selector on Unix and a ProactorEventLoop on Windows (from 3.8); asyncio.EventLoop (3.13) is that class."
# source = "https://docs.python.org/3.14/library/asyncio-eventloop.html#event-loop-implementations"
# ids = ["T38", "T39"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# asyncio.run() runs a SelectorEventLoop with EpollSelector
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# asyncio.run() runs a SelectorEventLoop with EpollSelector
# asyncio.EventLoop is that class: True
# """
#
# # predicted from Lib/selectors.py (DefaultSelector: kqueue before poll and select), not observed
# [[expect.when]]
# platform = ["darwin"]
# stdout = """
# asyncio.run() runs a SelectorEventLoop with KqueueSelector
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # predicted from Lib/selectors.py, not observed
# [[expect.when]]
# platform = ["darwin"]
# python = ">=3.13"
# stdout = """
# asyncio.run() runs a SelectorEventLoop with KqueueSelector
# asyncio.EventLoop is that class: True
# """
#
# # predicted from Lib/asyncio/windows_events.py (3.7: DefaultEventLoopPolicy = WindowsSelectorEventLoopPolicy), not observed
# # (no Windows 3.7 build here)
# [[expect.when]]
# platform = ["win32"]
# python = "<3.8"
# stdout = """
# asyncio.run() runs a SelectorEventLoop with SelectSelector
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # predicted from Lib/asyncio/windows_events.py (3.8+: WindowsProactorEventLoopPolicy, IOCP), not observed on Windows;
# # the "no selector" first predicted here was wrong: Wine 8.0 showed the proactor under the selector's name (below)
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.8,<3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with IocpProactor
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.12.9; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = ">=3.8,<3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with IocpProactor
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # predicted from Lib/asyncio/windows_events.py (3.13: EventLoop = ProactorEventLoop), not observed on Windows
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with IocpProactor
# asyncio.EventLoop is that class: True
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = ">=3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with IocpProactor
# asyncio.EventLoop is that class: True
# """
# ///
import asyncio


async def describe():
    loop = asyncio.get_running_loop()
    kinds = [name for name in ("SelectorEventLoop", "ProactorEventLoop")
             if hasattr(asyncio, name) and isinstance(loop, getattr(asyncio, name))]
    selector = getattr(loop, "_selector", None)
    return type(loop), kinds, type(selector).__name__ if selector is not None else "no selector"


if __name__ == "__main__":
    cls, kinds, selector = asyncio.run(describe())
    print(f"asyncio.run() runs a {' and '.join(kinds) or cls.__name__} with {selector}")
    event_loop = getattr(asyncio, "EventLoop", None)
    print(f"asyncio.EventLoop is that class: {event_loop is cls if event_loop else 'no asyncio.EventLoop'}")
