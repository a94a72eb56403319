"""Which start methods are offered here: spawn on POSIX and Windows, fork on POSIX only, forkserver where file
descriptors can pass over Unix pipes (Linux).

``multiprocessing.get_all_start_methods()`` is the list the stdlib offers (``context.py``: ``['spawn']`` on
win32; otherwise fork and spawn, plus forkserver when ``reduction.HAVE_SEND_HANDLE``).  Its order changed in
3.14 (the default comes first), so the case prints membership, not the list.  Each method is also used once, to
show that an offered method really starts a child.
"""
# /// case
# claim = "spawn is offered on POSIX and Windows; fork on POSIX only; forkserver on POSIX platforms that pass file descriptors over Unix pipes, such as Linux."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D4", "D9", "D13"]
# timeout = 30
#
# [expect]
# stdout = """
# platform: linux
# spawn offered: True, a child started with it exits with 0
# fork offered: True, a child started with it exits with 0
# forkserver offered: True, a child started with it exits with 0
# """
# stderr = ""
# exit = 0
#
# # Predicted, not observed on Windows or macOS (CI): Windows offers spawn alone; macOS offers all three.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# platform: win32
# spawn offered: True, a child started with it exits with 0
# fork offered: False
# forkserver offered: False
# """
# stderr = ""
# exit = 0
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# platform: win32
# spawn offered: True, a child started with it exits with 0
# fork offered: False
# forkserver offered: False
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# platform = ["darwin"]
# stdout = """
# platform: darwin
# spawn offered: True, a child started with it exits with 0
# fork offered: True, a child started with it exits with 0
# forkserver offered: True, a child started with it exits with 0
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import sys


def nothing():
    pass


if __name__ == "__main__":
    print(f"platform: {sys.platform}")
    offered = multiprocessing.get_all_start_methods()
    for method in ["spawn", "fork", "forkserver"]:
        if method not in offered:
            print(f"{method} offered: False")
            continue
        p = multiprocessing.get_context(method).Process(target=nothing)
        p.start()
        p.join()
        print(f"{method} offered: True, a child started with it exits with {p.exitcode}")
