"""Manager additions: BaseManager(shutdown_timeout=...) from 3.11, SyncManager.set() from 3.14.

3.11 gave ``BaseManager.__init__`` a keyword-only ``shutdown_timeout=1.0`` (multiprocessing/managers.py),
passed to ``_finalize_manager``, which waits that long for the server process, then terminates it, then kills
it.  Before, the keyword is a ``TypeError``.  3.14 registered ``'set'`` on ``SyncManager`` with a ``SetProxy``:
``manager.set()`` returns a proxy to a set in the server, which a child process can change.
"""
# /// case
# claim = "BaseManager accepts shutdown_timeout from 3.11, and SyncManager.set() creates a shared set from 3.14."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.managers.SyncManager.set"
# ids = ["D78", "D79"]
# timeout = 60
#
# [expect]
# stdout = """
# BaseManager(shutdown_timeout=5.0): accepted
# manager.set() after a child added 'b': ['a', 'b']
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# BaseManager(shutdown_timeout=5.0): accepted
# manager.set(): AttributeError: 'SyncManager' object has no attribute 'set'
# """
#
# [[expect.when]]
# python = "<3.11"
# stdout = """
# BaseManager(shutdown_timeout=5.0): TypeError: [..]__init__() got an unexpected keyword argument 'shutdown_timeout'
# manager.set(): AttributeError: 'SyncManager' object has no attribute 'set'
# """
# ///
import multiprocessing
from multiprocessing.managers import BaseManager


def add(shared, item):
    shared.add(item)


if __name__ == "__main__":
    try:
        BaseManager(shutdown_timeout=5.0)
        print("BaseManager(shutdown_timeout=5.0): accepted")
    except TypeError as e:
        print(f"BaseManager(shutdown_timeout=5.0): TypeError: {e}")
    with multiprocessing.Manager() as manager:
        try:
            shared = manager.set(["a"])
        except AttributeError as e:
            print(f"manager.set(): AttributeError: {e}")
        else:
            child = multiprocessing.Process(target=add, args=(shared, "b"))
            child.start()
            child.join(30)
            print(f"manager.set() after a child added 'b': {sorted(shared._getvalue())}")
