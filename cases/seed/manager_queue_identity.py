"""The Manager queue proxy a Pool worker receives is a different object from the parent's (its id differs),
yet it reaches the same queue: what one side puts, the other gets.

A proxy holds a ``Token``: the manager's address and the id of the referent (the real ``queue.Queue`` in the
manager's server process).  Pickling a proxy sends only that token (``BaseProxy.__reduce__`` →
``RebuildProxy``, multiprocessing/managers.py); the worker builds a new proxy object around it and opens its own
connection to the manager.  So the worker's proxy is a new object (a different ``id``, and in another process
ids say nothing anyway), while its token names the same referent, and every method call goes to the manager.

Under fork the worker even holds a copy of the parent's own proxy (inherited with the parent's memory), so the
rebuilt proxy cannot have the same id there; under spawn and forkserver the ids belong to different address
spaces.  The token comparison is the real evidence.  ``_token`` is private; it is read here only to show what
a proxy carries.
"""
# /// case
# claim = "The Manager queue proxy in a Pool worker is a different object from the parent's (its id differs) yet reaches the same shared queue: what one side puts, the other gets."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S8"]
# timeout = 60
#
# [expect]
# stdout = """
# parent: q is an AutoProxy[Queue]
# worker: got 42 from its proxy
# worker: its proxy is a different object (id differs from the parent's): True
# worker: its proxy names the same queue in the manager (same token): True
# parent: got 'reply from the worker' from its proxy
# """
# stderr = ""
# exit = 0
#
# # Predicted for Windows and macOS, not observed: [expect] as it stands, written from the CPython source.  Manager proxies work the same way on every OS.
# ///
from multiprocessing import Pool, Manager
import multiprocessing


def token_of(proxy):
    t = proxy._token
    return t.typeid, t.address, t.id


def func(q, parent_id, parent_token):
    r = q.get()
    q.put("reply from the worker")
    return r, id(q) != parent_id, token_of(q) == parent_token


if __name__ == "__main__":
    with Manager() as m:
        q = m.Queue()
        print(f"parent: q is an {type(q).__name__}")
        q.put(42)
        with Pool() as pool:
            r, other_object, same_token = pool.apply(func, args=(q, id(q), token_of(q)))
        print(f"worker: got {r} from its proxy")
        print(f"worker: its proxy is a different object (id differs from the parent's): {other_object}")
        print(f"worker: its proxy names the same queue in the manager (same token): {same_token}")
        print(f"parent: got {q.get(timeout=5)!r} from its proxy")
