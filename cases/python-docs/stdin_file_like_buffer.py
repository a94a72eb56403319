"""A buffering file-like object put in ``sys.stdin`` is flushed twice under fork: once by the child's
``close()`` and once by the parent's.

The parent replaces ``sys.stdin`` with ``BufferedSink``, which caches what is written and appends the cache to a
file when closed, writes one line into it, starts a child that does nothing, joins it, and closes its
``sys.stdin``.  Every new process calls ``sys.stdin.close()`` while it starts (``util._close_stdin``, see
stdin_devnull).  A fork child has a copy of the object with the same cache, so its ``close()`` writes the line
too: the file gets it twice.  A spawn or forkserver child has its own ``sys.stdin`` (the parent's object is not
sent), so the line is written once: the danger the docs describe exists under fork only, and the claim does not
hold under the other start methods.
"""
# /// case
# claim = "If sys.stdin is replaced by a file-like object with output buffering, the close() that multiprocessing calls in each child flushes the same buffered data again, so it is written more than once."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D46"]
# timeout = 30
#
# [expect]
# stdout = """
# times the buffered line was written: 2
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn", "forkserver"]
# stdout = """
# times the buffered line was written: 1
# """
# stderr = ""
# exit = 0
# holds = false
# ///
import multiprocessing
import os
import sys
import tempfile


class BufferedSink:
    def __init__(self, path):
        self.path = path
        self._cache = []
        self.closed = False

    def write(self, text):
        self._cache.append(text)

    def close(self):
        with open(self.path, "a") as f:
            f.write("".join(self._cache))
        self._cache = []
        self.closed = True


def nothing():
    pass


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "sink")
    sys.stdin = BufferedSink(path)
    sys.stdin.write("buffered line\n")
    p = multiprocessing.Process(target=nothing)
    p.start()
    p.join()
    sys.stdin.close()
    with open(path) as f:
        print(f"times the buffered line was written: {f.read().count('buffered line')}")
