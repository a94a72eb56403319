"""multiprocessing.Queue has every method of queue.Queue except task_done() and join(), says its page: from 3.13,
queue.Queue.shutdown() is a third exception.

3.13 added ``queue.Queue.shutdown(immediate=False)`` (Lib/queue.py, with the ``ShutDown`` exception and the
``is_shutdown`` attribute).  ``multiprocessing.queues.Queue`` (a pipe, a feeder thread and semaphores) got no
counterpart, while its documentation still lists only ``task_done()`` and ``join()`` as the ``queue.Queue``
methods it lacks.  The case compares the public methods of the two classes.
"""
# /// case
# claim = "multiprocessing.Queue implements all the methods of queue.Queue except task_done() and join()."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.Queue"
# ids = ["D101"]
# timeout = 30
#
# [expect]
# stdout = """
# queue.Queue methods that multiprocessing.Queue lacks: ['join', 'task_done']
# """
# stderr = ""
# exit = 0
#
# # queue.Queue.shutdown() (3.13) has no multiprocessing counterpart: the page's list of exceptions is incomplete.
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# queue.Queue methods that multiprocessing.Queue lacks: ['join', 'shutdown', 'task_done']
# """
# holds = false
# ///
import inspect
import multiprocessing.queues
import queue


def public_methods(cls):
    return {name for name, value in inspect.getmembers(cls, callable) if not name.startswith("_")}


if __name__ == "__main__":
    # multiprocessing.Queue() returns an instance of this class (BaseContext.Queue in multiprocessing/context.py).
    missing = sorted(public_methods(queue.Queue) - public_methods(multiprocessing.queues.Queue))
    print(f"queue.Queue methods that multiprocessing.Queue lacks: {missing}")
