"""The event loop asyncio uses by default: on Unix a SelectorEventLoop on the most efficient selector
(``epoll`` on Linux, ``kqueue`` on macOS), and on Windows, from 3.8, a ProactorEventLoop (IOCP);
``asyncio.EventLoop`` (3.13) names that class.

``Lib/asyncio/unix_events.py``: ``SelectorEventLoop = _UnixSelectorEventLoop``, whose selector is
``selectors.DefaultSelector`` (``Lib/selectors.py`` picks epoll, then kqueue, devpoll, poll, select);
3.13 adds ``EventLoop = SelectorEventLoop`` there and ``EventLoop = ProactorEventLoop`` in
``windows_events.py``, whose ``DefaultEventLoopPolicy`` is the proactor one from 3.8 (``windows_events.py``:
``DefaultEventLoopPolicy = WindowsProactorEventLoopPolicy``).
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
# [[expect.when]]
# platform = ["win32"]
# python = "<3.8"
# stdout = """
# asyncio.run() runs a SelectorEventLoop with SelectSelector
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # predicted from Lib/asyncio/windows_events.py (3.8+: WindowsProactorEventLoopPolicy, IOCP, no selector), not observed
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.8,<3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with no selector
# asyncio.EventLoop is that class: no asyncio.EventLoop
# """
#
# # predicted from Lib/asyncio/windows_events.py (3.13: EventLoop = ProactorEventLoop), not observed
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.13"
# stdout = """
# asyncio.run() runs a ProactorEventLoop with no selector
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
