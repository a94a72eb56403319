"""Eager tasks (3.12): with ``loop.set_task_factory(asyncio.eager_task_factory)`` a coroutine starts running
inside ``create_task()``, up to its first suspension, and a coroutine that never suspends is already done when
``create_task()`` returns; ``loop.create_task(coro, eager_start=True)`` does the same for one task from 3.13.3, where
``create_task`` began to pass extra keyword arguments on to the Task (3.14 passes all of them).

``Lib/asyncio/tasks.py``: ``create_eager_task_factory`` returns a factory that builds ``Task(coro, loop=loop,
eager_start=True)``; ``Task.__init__`` with ``eager_start`` and a running loop calls ``self.__eager_start()``,
which runs the first step synchronously (C: ``task_eager_start`` in ``Modules/_asynciomodule.c``).  3.13.18
``base_events.py:462-476``: ``create_task(self, coro, *, name=None, context=None, **kwargs)`` hands ``**kwargs`` to
``tasks.Task``; 3.12.1's ``create_task`` has no ``**kwargs`` (TypeError).  The order of the printed steps shows when the coroutine ran.
"""
# /// case
# claim = "With asyncio.eager_task_factory (3.12), create_task() runs the coroutine synchronously up to its first suspension; loop.create_task(coro, eager_start=True) does so from 3.13.3."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#eager-task-factory"
# ids = ["T60", "T61"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# default factory: ['create_task() returned', 'coroutine ran']; done when create_task() returned: False
# eager_task_factory: absent
# create_task(eager_start=True): TypeError: create_task() got an unexpected keyword argument 'eager_start'
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.10,<3.12"
# stdout = """
# default factory: ['create_task() returned', 'coroutine ran']; done when create_task() returned: False
# eager_task_factory: absent
# create_task(eager_start=True): TypeError: BaseEventLoop.create_task() got an unexpected keyword argument 'eager_start'
# """
#
# [[expect.when]]
# python = ">=3.13.3"
# stdout = """
# default factory: ['create_task() returned', 'coroutine ran']; done when create_task() returned: False
# eager_task_factory: ['coroutine ran', 'create_task() returned']; done when create_task() returned: True
# create_task(eager_start=True): ['coroutine ran', 'create_task() returned']; done when create_task() returned: True
# """
#
# # 3.13.0-3.13.2 too: observed on 3.13.2 (Windows CPython under Wine 8.0), whose create_task takes no **kwargs.
# [[expect.when]]
# python = ">=3.12,<3.13.3"
# stdout = """
# default factory: ['create_task() returned', 'coroutine ran']; done when create_task() returned: False
# eager_task_factory: ['coroutine ran', 'create_task() returned']; done when create_task() returned: True
# create_task(eager_start=True): TypeError: BaseEventLoop.create_task() got an unexpected keyword argument 'eager_start'
# """
# ///
import asyncio

steps = []


async def quick(name):
    steps.append(f"{name} ran")
    return name


async def scenario(label, make):
    steps.clear()
    task = make()
    steps.append("create_task() returned")
    done_at_once = task.done()
    await task
    print(f"{label}: {steps}; done when create_task() returned: {done_at_once}")


async def main():
    loop = asyncio.get_running_loop()
    await scenario("default factory", lambda: asyncio.create_task(quick("coroutine")))
    if hasattr(asyncio, "eager_task_factory"):
        loop.set_task_factory(asyncio.eager_task_factory)
        await scenario("eager_task_factory", lambda: asyncio.create_task(quick("coroutine")))
        loop.set_task_factory(None)
    else:
        print("eager_task_factory: absent")
    coro = quick("coroutine")
    try:
        await scenario("create_task(eager_start=True)", lambda: loop.create_task(coro, eager_start=True))
    except TypeError as e:
        coro.close()
        print(f"create_task(eager_start=True): TypeError: {e}")


if __name__ == "__main__":
    asyncio.run(main())
