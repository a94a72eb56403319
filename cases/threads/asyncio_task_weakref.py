"""The event loop keeps only weak references to tasks: a pending task nobody else references can be garbage
collected mid-execution ("Save a reference to the result of this function"); asyncio then logs ``Task was
destroyed but it is pending!``.  A task whose reference is kept survives the same collection.

``Lib/asyncio/tasks.py``: ``_scheduled_tasks = weakref.WeakSet()`` (3.14 ``tasks.py:1066``; the C tasks of 3.14
sit in a per-thread linked list, which owns no reference either); a task waiting on a future is referenced only by that
future's callback, and the future only by the task (``_fut_waiter``): a cycle that ``gc.collect()`` frees.
``Task.__del__`` (C: ``TaskObj_finalize``) reports the pending task.  Each task awaits a future nothing else
references; the case drops one task's reference, collects, and checks both through weak references.
"""
# /// case
# claim = "The event loop keeps only weak references to tasks: a pending task with no other reference can be garbage collected mid-execution."
# source = "https://docs.python.org/3.14/library/asyncio-task.html#asyncio.create_task"
# ids = ["T57"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# after gc.collect(): kept task alive: True, unreferenced task alive: False
# """
# stderr = """
# Task was destroyed but it is pending!
# task: <Task pending name='Task-3' coro=<waits_forever() done, defined at <case>/asyncio_task_weakref.py:[..]> wait_for=<Future pending cb=[Task.task_wakeup()]>>
# """
#
# [[expect.when]]
# python = ">=3.8,<3.10"
# implementation = ["cpython"]
# exit = 0
# stderr = """
# Task was destroyed but it is pending!
# task: <Task pending name='Task-3' coro=<waits_forever() done, defined at <case>/asyncio_task_weakref.py:[..]> wait_for=<Future pending cb=[<TaskWakeupMethWrapper object at 0x<addr>>()]>>
# """
#
# [[expect.when]]
# implementation = ["pypy"]
# exit = 0
# stderr = """
# Task was destroyed but it is pending!
# task: <Task pending name='Task-3' coro=<waits_forever() running at <case>/asyncio_task_weakref.py:[..]> wait_for=<Future pending cb=[Task.__wakeup()]>>
# """
#
# [[expect.when]]
# python = "<3.8"
# exit = 0
# stderr = """
# Task was destroyed but it is pending!
# task: <Task pending coro=<waits_forever() done, defined at <case>/asyncio_task_weakref.py:[..]> wait_for=<Future pending cb=[<TaskWakeupMethWrapper object at 0x<addr>>()]>>
# """
# ///
import asyncio
import gc
import weakref


async def waits_forever():
    await asyncio.get_running_loop().create_future()


async def main():
    kept = asyncio.ensure_future(waits_forever())
    dropped = asyncio.ensure_future(waits_forever())
    await asyncio.sleep(0)  # both start and suspend on their futures
    refs = {"kept": weakref.ref(kept), "dropped": weakref.ref(dropped)}
    del dropped
    gc.collect()
    print(f"after gc.collect(): kept task alive: {refs['kept']() is not None}, "
          f"unreferenced task alive: {refs['dropped']() is not None}")
    kept.cancel()


if __name__ == "__main__":
    asyncio.run(main())
