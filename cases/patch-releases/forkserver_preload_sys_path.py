"""A module named in ``set_forkserver_preload()`` is imported by the fork server with the program's ``sys.path``,
so the workers find it imported: true from 3.12.8 and 3.13.1 (gh-117378); before, a module found only through a
folder the program added to ``sys.path`` silently failed to preload and every worker imported it itself.

The fork server is a fresh interpreter started as ``python -c 'from multiprocessing.forkserver import main;
...'``: its own ``sys.path`` starts with ``''`` (its working folder) and the installation's folders, not the
folders the program added at run time.

* Up to 3.12.7 and on 3.13.0 (and PyPy): ``ensure_running()`` does pass the program's ``sys_path`` (3.13.0's
  Lib/multiprocessing/forkserver.py lines 130-133), but ``main(listener_fd, alive_r, preload, main_path=None,
  sys_path=None)`` (line 168) never uses it: ``__import__(modname)`` (line 179) runs with the server's own path,
  and the ``ImportError`` is swallowed (lines 180-181).  Each worker forked from the server gets the program's
  path from ``spawn.prepare()`` (``sys.path = data['sys_path']``, spawn.py lines 228-229) and imports the module
  itself when it needs it: the preload bought nothing, and nothing said so.
* 3.12.8 and 3.13.1 (gh-117378, python/cpython#126538): ``main()`` sets ``sys.path[:] = sys_path`` before the
  imports (3.13.18's forkserver.py lines 186-187), so the server imports the module once and every worker it
  forks has it in ``sys.modules``.  (3.15 moved this into ``_handle_preload()``, with ``on_error=`` to report
  such failures, gh-141860.)

The case writes a module into a new temporary folder (not the working folder, which the server's ``''`` would
find), puts that folder first on the program's ``sys.path`` at run time, preloads the module with the forkserver
context whatever the cell's start method (and not ``__main__``, so that gh-126631 plays no part), and starts two
processes one after the other.  The module prints where it is imported; each task says whether the module was
already imported before it imports it.  The server preloads before it answers the first request, so the lines
come in a fixed order.
"""
# /// case
# claim = "A module named in set_forkserver_preload() is imported by the fork server with the program's sys.path, so the workers find it already imported."
# source = "https://github.com/python/cpython/issues/117378"
# ids = ["P3"]
# changed_in = ["3.12.8", "3.13.1"]  # gh-117378, Misc/NEWS.d/3.12.8.rst and the 3.13 NEWS
# timeout = 60
# # Windows has no forkserver.  macOS: not observed here; its forkserver runs the same forkserver.py and spawn.py.
# platforms = ["linux", "darwin"]
#
# # The fork server preloads the module: 3.13.18, 3.14.10 and 3.15.2 observed.  From 3.12.8 and 3.13.1 by the
# # changelogs (Misc/NEWS.d/3.12.8.rst and the "What's New in Python 3.13.1" section of 3.13's NEWS list
# # gh-117378); no 3.12.8+ or 3.13.1-3.13.17 is installed here.
# [expect]
# stdout = """
# forkserver_preload_helper imported in the fork server
# task in ForkServerProcess-1: forkserver_preload_helper was already imported: True
# task in ForkServerProcess-2: forkserver_preload_helper was already imported: True
# """
# stderr = ""
# exit = 0
#
# # The server's import fails silently and every worker imports the module: CPython 3.7-3.12.1, 3.11.2 and
# # 3.13.0 observed, and PyPy 3.9 and 3.11, whose forkserver.main() is the old one.
# [[expect.when]]
# implementation = ["cpython"]
# python = "<3.12.8"
# stdout = """
# task in ForkServerProcess-1: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-1
# task in ForkServerProcess-2: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-2
# """
# holds = false
#
# [[expect.when]]
# implementation = ["cpython"]
# python = ">=3.13,<3.13.1"
# stdout = """
# task in ForkServerProcess-1: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-1
# task in ForkServerProcess-2: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-2
# """
# holds = false
#
# [[expect.when]]
# implementation = ["pypy"]
# stdout = """
# task in ForkServerProcess-1: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-1
# task in ForkServerProcess-2: forkserver_preload_helper was already imported: False
# forkserver_preload_helper imported in ForkServerProcess-2
# """
# holds = false
# ///
import multiprocessing
import os
import shutil
import sys
import tempfile

HELPER = "forkserver_preload_helper"
HELPER_SOURCE = '''\
import multiprocessing
import sys

name = multiprocessing.current_process().name
# The program never imports this module itself: a MainProcess importing it is the fork server.
sys.stdout.write("forkserver_preload_helper imported in %s\\n" % ("the fork server" if name == "MainProcess" else name))
sys.stdout.flush()
'''


def task():
    already = HELPER in sys.modules
    sys.stdout.write(f"task in {multiprocessing.current_process().name}: {HELPER} was already imported: {already}\n")
    sys.stdout.flush()
    __import__(HELPER)


if __name__ == "__main__":
    folder = tempfile.mkdtemp(prefix="forkserver_preload_sys_path.")
    try:
        with open(os.path.join(folder, HELPER + ".py"), "w") as f:
            f.write(HELPER_SOURCE)
        sys.path.insert(0, folder)  # at run time, in the program alone
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([HELPER])
        for _ in range(2):
            p = ctx.Process(target=task)
            p.start()
            p.join()
    finally:
        shutil.rmtree(folder)
