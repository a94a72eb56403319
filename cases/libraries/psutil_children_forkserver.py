"""``psutil.Process().children()`` lists a Pool's workers as children of the program under fork and spawn, but not
under forkserver, where they are the fork server's children: only ``children(recursive=True)`` finds them there.

psutil's ``children()`` (``psutil/__init__.py``) takes every process whose parent pid is this one (on Linux from
``/proc/*/stat``, ``_pslinux.ppid_map``); ``recursive=True`` walks the tree below.  Under forkserver the program only
asks the server for a child (``multiprocessing/forkserver.py``, ``main``: the server calls ``os.fork()``), so each
worker's parent is the server.  psutil's own "kill process tree" recipe passes ``recursive=True`` and finds them;
code that looks only one level down (``children()``, or ``ppid() == os.getpid()``) misses them there.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["psutil"]
# ///

# /// case
# claim = "psutil's Process().children() lists the worker processes of the program's multiprocessing Pool."
# source = "https://psutil.readthedocs.io/en/latest/#psutil.Process.children"
# ids = ["L10"]
# timeout = 60
# ///
import multiprocessing
import os

import psutil

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        pool.map(abs, range(4))  # the workers are up
        workers = {p.pid for p in multiprocessing.active_children()}
        me = psutil.Process()
        direct = {p.pid for p in me.children()}
        below = {p.pid for p in me.children(recursive=True)}
        parents = {psutil.Process(pid).ppid() == os.getpid() for pid in workers}
        print(f"workers: {len(workers)}")
        print(f"every worker is in children(): {workers <= direct}")
        print(f"every worker is in children(recursive=True): {workers <= below}")
        print(f"the workers' parent is the program: {sorted(parents)}")
