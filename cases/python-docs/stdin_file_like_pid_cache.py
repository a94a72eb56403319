"""The docs' fix for a buffering file-like ``sys.stdin``: a cache that remembers its pid and is dropped when the
pid changes is written once, even under fork.

The same object as stdin_file_like_buffer, with the docs' ``cache`` property: a fork child's ``close()`` (run
by ``util._close_stdin`` as it starts) finds a pid that is not its own, drops the copied cache and writes
nothing; the parent's ``close()`` writes the line once.  Under spawn and forkserver the child never had the
object: once as well.
"""
# /// case
# claim = "A file-like object whose cache stores the pid and is discarded when the pid changes is fork-safe: its data is written once."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D47"]
# timeout = 30
#
# [expect]
# stdout = """
# times the buffered line was written: 1
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import sys
import tempfile


class PidSafeSink:
    def __init__(self, path):
        self.path = path
        self._pid = os.getpid()
        self._cache = []
        self.closed = False

    @property
    def cache(self):
        pid = os.getpid()
        if pid != self._pid:
            self._pid = pid
            self._cache = []
        return self._cache

    def write(self, text):
        self.cache.append(text)

    def close(self):
        with open(self.path, "a") as f:
            f.write("".join(self.cache))
        self._cache = []
        self.closed = True


def nothing():
    pass


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "sink")
    sys.stdin = PidSafeSink(path)
    sys.stdin.write("buffered line\n")
    p = multiprocessing.Process(target=nothing)
    p.start()
    p.join()
    sys.stdin.close()
    with open(path) as f:
        print(f"times the buffered line was written: {f.read().count('buffered line')}")
