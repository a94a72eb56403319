"""``asyncio.Runner`` (3.11) runs several top-level coroutines in one event loop and one
``contextvars.Context``: a context variable set by the first ``run()`` is seen by the second, and both ran on the
same loop; the docs' example prints ``hello``.

``Lib/asyncio/runners.py``, ``Runner._lazy_init`` creates the loop and ``self._context =
contextvars.copy_context()`` once; ``Runner.run`` passes ``context=self._context`` to ``create_task``.  Before 3.11
``asyncio.Runner`` does not exist (AttributeError).
"""
# /// case
# claim = "asyncio.Runner (3.11) runs several coroutines in the same event loop and contextvars.Context."
# source = "https://docs.python.org/3.14/library/asyncio-runner.html#asyncio.Runner"
# ids = ["T33"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# hello
# same loop for both run() calls: True
# the second run() sees: set by the first run()
# """
# stderr = ""
#
# [[expect.when]]
# python = "<3.10"
# exit = 1
# exception = "AttributeError: module 'asyncio' has no attribute 'Runner'"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/asyncio_runner.py", line [..], in <module>
#     with asyncio.Runner() as runner:
# AttributeError: module 'asyncio' has no attribute 'Runner'
# """
# stdout = ""
#
# [[expect.when]]
# python = ">=3.10,<3.11"
# exit = 1
# exception = "AttributeError: module 'asyncio' has no attribute 'Runner'. Did you mean: 'runners'?"
# stderr = """
# Traceback (most recent call last):
#   File "<case>/asyncio_runner.py", line [..], in <module>
#     with asyncio.Runner() as runner:
# AttributeError: module 'asyncio' has no attribute 'Runner'. Did you mean: 'runners'?
# """
# stdout = ""
# ///
import asyncio
import contextvars

var = contextvars.ContextVar("var", default="unset")


async def main():
    await asyncio.sleep(0)
    print('hello')


async def setter():
    var.set("set by the first run()")
    return asyncio.get_running_loop()


async def getter():
    return asyncio.get_running_loop(), var.get()


if __name__ == "__main__":
    with asyncio.Runner() as runner:
        runner.run(main())
        first_loop = runner.run(setter())
        second_loop, seen = runner.run(getter())
    print(f"same loop for both run() calls: {first_loop is second_loop}")
    print(f"the second run() sees: {seen}")
