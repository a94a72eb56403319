"""From 3.14 the event loop policy system is deprecated (removal planned for 3.16): ``get_event_loop_policy()``,
``set_event_loop_policy()`` and ``DefaultEventLoopPolicy`` emit DeprecationWarning; ``asyncio.run(...,
loop_factory=...)`` (3.12) is the way to choose the loop.

3.14 ``Lib/asyncio/events.py``: ``_get_event_loop_policy`` is the quiet one and ``get_event_loop_policy`` wraps
it with ``warnings._deprecated('asyncio.get_event_loop_policy', remove=(3, 16))``; the policy classes are reached
through a module ``__getattr__`` that warns the same way (``asyncio/__init__.py``, ``unix_events.py``).  Before
3.12 ``asyncio.run`` takes no ``loop_factory`` (TypeError).
"""
# /// case
# claim = "From 3.14 get_event_loop_policy(), set_event_loop_policy() and DefaultEventLoopPolicy emit DeprecationWarning, and asyncio.run(loop_factory=...) (3.12) selects the loop without them."
# source = "https://docs.python.org/3.14/library/asyncio-policy.html#asyncio-policies"
# ids = ["T36", "T37"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# get_event_loop_policy(): DeprecationWarning: False
# set_event_loop_policy(policy): DeprecationWarning: False
# asyncio.DefaultEventLoopPolicy: DeprecationWarning: False
# asyncio.run(loop_factory=...): TypeError: run() got an unexpected keyword argument 'loop_factory'
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.12,<3.14"
# stdout = """
# get_event_loop_policy(): DeprecationWarning: False
# set_event_loop_policy(policy): DeprecationWarning: False
# asyncio.DefaultEventLoopPolicy: DeprecationWarning: False
# asyncio.run(loop_factory=asyncio.SelectorEventLoop) ran on: _UnixSelectorEventLoop
# """
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# get_event_loop_policy(): DeprecationWarning: True
# set_event_loop_policy(policy): DeprecationWarning: True
# asyncio.DefaultEventLoopPolicy: DeprecationWarning: True
# asyncio.run(loop_factory=asyncio.SelectorEventLoop) ran on: _UnixSelectorEventLoop
# """
#
# # Predicted for Windows (windows_events.py: SelectorEventLoop = _WindowsSelectorEventLoop), not observed there.
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.12,<3.14"
# stdout = """
# get_event_loop_policy(): DeprecationWarning: False
# set_event_loop_policy(policy): DeprecationWarning: False
# asyncio.DefaultEventLoopPolicy: DeprecationWarning: False
# asyncio.run(loop_factory=asyncio.SelectorEventLoop) ran on: _WindowsSelectorEventLoop
# """
#
# # Observed under Wine 8.0 (Windows CPython 3.12.9 and 3.13.2; not yet on Windows itself).
# [[expect.when]]
# platform = ["win32-wine8.0"]
# python = ">=3.12,<3.14"
# stdout = """
# get_event_loop_policy(): DeprecationWarning: False
# set_event_loop_policy(policy): DeprecationWarning: False
# asyncio.DefaultEventLoopPolicy: DeprecationWarning: False
# asyncio.run(loop_factory=asyncio.SelectorEventLoop) ran on: _WindowsSelectorEventLoop
# """
# ///
import asyncio
import warnings


def deprecation(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return any(issubclass(w.category, DeprecationWarning) for w in caught)


async def loop_name():
    return type(asyncio.get_running_loop()).__name__


if __name__ == "__main__":
    policy = None

    def get():
        global policy
        policy = asyncio.get_event_loop_policy()

    print(f"get_event_loop_policy(): DeprecationWarning: {deprecation(get)}")
    print(f"set_event_loop_policy(policy): DeprecationWarning: {deprecation(lambda: asyncio.set_event_loop_policy(policy))}")
    print(f"asyncio.DefaultEventLoopPolicy: DeprecationWarning: {deprecation(lambda: asyncio.DefaultEventLoopPolicy)}")
    coro = loop_name()
    try:
        name = asyncio.run(coro, loop_factory=asyncio.SelectorEventLoop)
        print(f"asyncio.run(loop_factory=asyncio.SelectorEventLoop) ran on: {name}")
    except TypeError as e:
        coro.close()
        print(f"asyncio.run(loop_factory=...): TypeError: {e}")
