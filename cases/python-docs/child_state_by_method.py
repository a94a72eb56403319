"""What a child starts with: a fresh interpreter under spawn, a copy of the parent under fork.

The parent changes a global and imports a module inside its ``__main__`` block, then starts a child that reports
what it sees, which command line its process runs and in which process the main module was last imported
(``IMPORTED_IN`` is set to ``os.getpid()`` by the module's top level).

* spawn: ``popen_spawn_posix`` runs ``sys.executable -c 'from multiprocessing.spawn import spawn_main; ...'``
  and the child's ``spawn.prepare()`` imports the main script again as ``__mp_main__``: the global has its
  import-time value, the module imported in the ``__main__`` block is absent, the main module was imported in
  the child itself.  This extra interpreter start and import is why the docs call spawn slow; the case shows the
  work, it does not time it (timing assertions are not used in this corpus).
* fork: ``os.fork()`` copies the parent: the changed global and the imported module are there, the command line
  is the parent's, and the main module was imported in the parent only.
* forkserver (not a claim of D1/D6, shown for contrast): the child is forked from the server, which is a fresh
  interpreter; the child sees no run-time state of the parent either.  Who imported the main module changed in a
  patch release: up to 3.13.7 (and on 3.14.0, and PyPy) the server preloads nothing and the child imports the
  script itself in ``spawn.prepare()``; from 3.13.8 and 3.14.1 (gh-126631) the server imports it once, as
  ``__mp_main__``, and the child inherits that copy, so ``IMPORTED_IN`` is the server's pid
  (cases/patch-releases/forkserver_preload_main.py explains the mechanism).
"""
# /// case
# claim = "Under spawn the child is a fresh interpreter without the parent's run-time state (a slower start: a new interpreter and a new import of the main module); under fork it is a copy of the parent."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D1", "D3", "D6"]
# timeout = 30
# # The child reads its command line from /proc/self/cmdline, which Linux alone has (under Wine a Windows process
# # can read it too, and finds Wine's command line there, without spawn_main: a false False).
# platforms = ["linux"]
#
# [expect]
# stderr = ""
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn"]
# stdout = """
# child sees STATE = 'set at import'
# child has colorsys imported: False
# child runs spawn_main in a new interpreter: True
# main module imported in the child itself: True
# """
#
# [[expect.when]]
# start_method = ["fork"]
# stdout = """
# child sees STATE = 'changed in the __main__ block'
# child has colorsys imported: True
# child runs spawn_main in a new interpreter: False
# main module imported in the child itself: False
# """
#
# # 3.7-3.12.1, 3.11.2 and 3.13.0 observed importing the script in the child, as PyPy 3.9 and 3.11 do.
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# child sees STATE = 'set at import'
# child has colorsys imported: False
# child runs spawn_main in a new interpreter: False
# main module imported in the child itself: True
# """
#
# # The fork server imports it: 3.13.18, 3.14.10 and 3.15.2 observed; 3.13.8 and 3.14.1 are the releases of the
# # fix (gh-126631 in the NEWS files of 3.13.18 and 3.14.10).
# [[expect.when]]
# start_method = ["forkserver"]
# implementation = ["cpython"]
# python = ">=3.13.8,!=3.14.0"
# stdout = """
# child sees STATE = 'set at import'
# child has colorsys imported: False
# child runs spawn_main in a new interpreter: False
# main module imported in the child itself: False
# """
# ///
import multiprocessing
import os
import sys

STATE = "set at import"
IMPORTED_IN = os.getpid()


def report(q):
    with open("/proc/self/cmdline", "rb") as f:
        cmdline = f.read().replace(b"\0", b" ").decode()
    main = sys.modules["__main__"]
    q.put([
        f"child sees STATE = {STATE!r}",
        f"child has colorsys imported: {'colorsys' in sys.modules}",
        f"child runs spawn_main in a new interpreter: {'spawn_main' in cmdline}",
        f"main module imported in the child itself: {getattr(main, 'IMPORTED_IN', None) == os.getpid()}",
    ])


if __name__ == "__main__":
    STATE = "changed in the __main__ block"
    import colorsys  # noqa: F401  (only to be seen, or not, in the child)
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=report, args=(q,))
    p.start()
    for line in q.get(timeout=60):
        print(line)
    p.join()
