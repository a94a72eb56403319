"""A new process closes its ``sys.stdin`` and reads from ``os.devnull`` instead, while descriptor 0 stays open.

``BaseProcess._bootstrap`` calls ``util._close_stdin()``: ``sys.stdin.close()``, then ``sys.stdin = open(fd,
closefd=False)`` on a descriptor opened on ``os.devnull`` (it used to be ``os.close(sys.stdin.fileno())``, the
cause of bpo-5155/5313/5331).  The child reports: the ``sys.stdin`` object it had before the bootstrap
(``ORIGINAL``, taken when the module was imported: in the parent under fork, in the child itself under spawn and
forkserver) is closed; the new ``sys.stdin`` is the null device and reads nothing; descriptor 0 is still open.
The parent's own ``sys.stdin`` is untouched.
"""
# /// case
# claim = "A new process closes sys.stdin and replaces it with a file opened on os.devnull, instead of closing file descriptor 0."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D45"]
# timeout = 30
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# the child's original sys.stdin object is closed: True
# the child's sys.stdin is the null device: True
# reading it gives: ''
# descriptor 0 is still open in the child: True
# the parent's sys.stdin is still open: True
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import sys

ORIGINAL = sys.stdin


def report(q):
    null = os.stat(os.devnull)
    mine = os.fstat(sys.stdin.fileno())
    try:
        os.fstat(0)
        fd0_open = True
    except OSError:
        fd0_open = False
    q.put([
        f"the child's original sys.stdin object is closed: {ORIGINAL.closed}",
        f"the child's sys.stdin is the null device: {(mine.st_dev, mine.st_ino) == (null.st_dev, null.st_ino)}",
        f"reading it gives: {sys.stdin.read()!r}",
        f"descriptor 0 is still open in the child: {fd0_open}",
    ])


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    p.start()
    for line in q.get(timeout=60):
        print(line)
    p.join()
    print(f"the parent's sys.stdin is still open: {not sys.stdin.closed}")
