"""A proxy used from several threads at once without a lock: every call arrives, since each thread gets a
connection of its own.

The docs say not to use a proxy from more than one thread unless a lock protects it.  Eight threads of one process
append 200 items each to the same list proxy at the same time, with no lock; a Barrier starts them together.  All
1,600 items arrive, and each thread used its own connection to the manager: ``BaseProxy`` keeps its connection in
a ``threading.local`` (``self._tls = ...``, ``_callmethod``: ``conn = self._tls.connection``, opening one per
thread in ``_connect``), and the server serves each connection in its own thread.  What a lock would still be
needed for is a compound step such as ``proxy[0] += 1`` (a read then a write), as for any shared data; single
method calls, which is what the advice covers, do not go wrong.
"""
# /// case
# claim = "A proxy must not be used from more than one thread of a process unless it is protected by a lock."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D27"]
# timeout = 60
#
# [expect]
# stdout = """
# 8 threads x 200 appends through one proxy, no lock: 1600 items, none lost or duplicated: True
# """
# stderr = ""
# exit = 0
# holds = false
# ///
import multiprocessing
import threading


def append_many(shared, name, start):
    start.wait()
    for i in range(200):
        shared.append((name, i))


if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        shared = manager.list()
        start = threading.Barrier(8)
        threads = [threading.Thread(target=append_many, args=(shared, n, start)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        items = list(shared)
        exact = sorted(items) == sorted((n, i) for n in range(8) for i in range(200))
        print(f"8 threads x 200 appends through one proxy, no lock: {len(items)} items, none lost or duplicated: {exact}")
