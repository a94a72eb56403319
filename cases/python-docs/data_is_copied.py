"""Data sent to another process is pickled and the receiver works on a copy: the cost behind "avoid shifting
large amounts of data between processes".

``Payload.__reduce__`` counts, in the parent, how often the object is pickled.  Passed as a ``Process``
argument it is pickled once under spawn and forkserver (the process object is pickled to the child,
``popen_spawn_posix`` / ``popen_forkserver``) and not at all under fork (the child is a copy of the parent's
memory, which the kernel copies page by page when written).  Put on a queue, it is pickled under every start
method (by the queue's feeder thread, ``queues.py`` ``_feed``).  Either way the child changes its own copy and the
parent's object is unchanged.
"""
# /// case
# claim = "Moving data between processes has a cost: Process arguments and queue items are pickled, and the receiver works on a copy."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D24"]
# timeout = 30
#
# [expect]
# stdout = """
# pickled for the Process arguments: 1 time(s)
# pickled for the queue: 1 time(s)
# the child changed its copy, the parent's object has 3 items
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# pickled for the Process arguments: 0 time(s)
# pickled for the queue: 1 time(s)
# the child changed its copy, the parent's object has 3 items
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing

PICKLED = []


def rebuild(items):
    return Payload(items)


class Payload:
    def __init__(self, items):
        self.items = items

    def __reduce__(self):
        PICKLED.append(1)
        return rebuild, (self.items,)


def grow(payload, q):
    payload.items.append("added by the child")
    q.put(len(payload.items))


if __name__ == "__main__":
    payload = Payload([1, 2, 3])
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=grow, args=(payload, q))
    p.start()
    q.get(timeout=60)
    p.join()
    print(f"pickled for the Process arguments: {len(PICKLED)} time(s)")
    del PICKLED[:]
    q.put(payload)
    q.get(timeout=60)
    print(f"pickled for the queue: {len(PICKLED)} time(s)")
    print(f"the child changed its copy, the parent's object has {len(payload.items)} items")
