"""A child process has one thread at start, whatever the parent was running: under fork only the thread that
called ``fork()`` is copied (the docs of ``os.fork``: the child gets the calling thread only), and under spawn and
forkserver the child is a new program.  In a fork child, ``threading.enumerate()`` lists just the main thread.

``Lib/threading.py``, ``_after_fork`` (run in the child by ``os.register_at_fork``): every thread object but the
current one is marked stopped and removed from ``_active``.  The parent's helper thread waits on an Event that is
set only after the child reported, so it is running throughout the fork.
"""
# /// case
# claim = "A child process starts with a single thread even when the parent runs several: a fork child keeps only the calling thread."
# source = "https://docs.python.org/3.14/library/os.html#os.fork"
# ids = ["T89"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# parent threads: ['MainThread', 'helper']
# child threads at start: 1 ['MainThread']
# """
# stderr = ""
# ///
import multiprocessing
import threading


def report(q):
    q.put((threading.active_count(), [t.name for t in threading.enumerate()]))


if __name__ == "__main__":
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, name="helper")
    helper.start()
    print(f"parent threads: {sorted(t.name for t in threading.enumerate())}")
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    p.start()
    count, names = q.get(timeout=60)
    p.join()
    stop.set()
    helper.join()
    print(f"child threads at start: {count} {names}")
