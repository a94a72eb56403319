"""Which of the parent's file descriptors are open in the child: all of them under fork, none under spawn and
forkserver.

The parent opens two files, one with a non-inheritable descriptor (the default of ``os.open`` since 3.4, PEP 446)
and one made inheritable with ``os.set_inheritable``.  Only the descriptor numbers and inode numbers reach the
child (plain ints), never the files.  The child reports a descriptor open when ``os.fstat(fd)`` works and shows
the same inode, so an unrelated file that happens to get the same number in the child is not mistaken for it.

* fork: ``os.fork()`` duplicates the whole descriptor table, inheritable or not.
* spawn: ``popen_spawn_posix`` starts the child with ``util.spawnv_passfds``, which passes only the descriptors
  multiprocessing needs (``_posixsubprocess.fork_exec`` with ``close_fds=True``): even the inheritable one is
  closed.
* forkserver: the child is forked from the server, which never had the program's descriptors.
"""
# /// case
# claim = "Under spawn and forkserver the child does not inherit the parent's file descriptors; under fork it inherits all of them."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D2", "D7", "D12"]
# timeout = 30
#
# [expect]
# stdout = """
# non-inheritable descriptor open in the child: False
# inheritable descriptor open in the child: False
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# non-inheritable descriptor open in the child: True
# inheritable descriptor open in the child: True
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import tempfile


def is_open(fd, inode):
    try:
        return os.fstat(fd).st_ino == inode
    except OSError:
        return False


def report(q, fds):
    q.put([(name, is_open(fd, inode)) for name, fd, inode in fds])


if __name__ == "__main__":
    folder = tempfile.mkdtemp()
    private = os.open(os.path.join(folder, "private"), os.O_CREAT | os.O_RDWR)
    shared = os.open(os.path.join(folder, "shared"), os.O_CREAT | os.O_RDWR)
    os.set_inheritable(shared, True)
    fds = [("non-inheritable", private, os.fstat(private).st_ino), ("inheritable", shared, os.fstat(shared).st_ino)]
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q, fds))
    p.start()
    for name, is_open_there in q.get(timeout=60):
        print(f"{name} descriptor open in the child: {is_open_there}")
    p.join()
