"""Under forkserver the fork server imports the main module once, so its workers do not run module-level code
again: true from 3.13.8 and 3.14.1, when the preloading of ``__main__`` stopped being dead code.

The fork server's preload list is ``['__main__']`` unless ``set_forkserver_preload()`` says otherwise
(``ForkServer.__init__``, Lib/multiprocessing/forkserver.py line 41, the same since 3.4).  When it starts, the
server is meant to import the program's main script once, so that every worker it forks already has it.

* Up to 3.13.7 (and 3.14.0, and PyPy) this never happened.  ``ForkServer.ensure_running()`` keeps only the keys
  ``{'main_path', 'sys_path'}`` of ``spawn.get_preparation_data()`` (3.13.0's forkserver.py lines 130-133), but
  that function names the script ``init_main_from_path`` (spawn.py line 202), a rename of 2013: ``main_path``
  never reaches ``forkserver.main()``, whose ``if '__main__' in preload and main_path is not None:`` (line 171) is
  dead code, and ``__import__('__main__')`` (line 179) just returns the server's own ``-c`` module.  Each forked
  worker then runs ``spawn._main()`` -> ``prepare()``, which finds a ``__main__`` without the script's
  ``__file__`` and runs the script again as ``__mp_main__`` (``_fixup_main_from_path()``, spawn.py lines 275-300):
  module-level code runs once per worker, as under spawn.
* 3.13.8 and 3.14.1 (gh-126631, gh-137996: python/cpython#135295, backported by #138609 and #138607) take the
  path from the right key: ``main_kws['main_path'] = data['init_main_from_path']`` (3.13.18's forkserver.py line
  143).  The server runs ``spawn.import_main_path(main_path)`` (line 191) once, as ``__mp_main__``, in a process
  whose ``current_process()`` is a fresh ``MainProcess``; a worker forked from it has a ``__main__`` whose
  ``__file__`` is the script, so ``_fixup_main_from_path()`` returns early (spawn.py lines 289-290) and no
  worker runs the script.  ``set_forkserver_preload(['__main__'])`` is the default spelled out, and
  ``set_forkserver_preload([])`` turns preloading off (``if self._preload_modules:``, line 138; 130 in
  3.13.0): then every worker runs the script again, on every version.

gh-98552 reported the dead code in 2022 (its fixes were not merged; the issue was retitled to the server's
unflushed output, fixed in 3.13.6 by gh-135335); gh-126631 found it again while fixing gh-117378, and gh-137996
reported its cost (a slow forkserver).  The case runs this file three times as a program of its own, one per
preload setting, with the forkserver context whatever the cell's start method; each program starts two
processes one after the other and joins each, so the lines come in a fixed order: the server preloads before it
answers the first request, and ``Process.start()`` waits for the child's pid from the server
(popen_forkserver.py line 59).  Module-level code prints only in those programs (an environment variable marks
them) and names the process it runs in: the program, the fork server (``MainProcess`` importing the script as
``__mp_main__``), or a worker.
"""
# /// case
# claim = "Under forkserver the fork server imports the main module once (its default preload, or set_forkserver_preload(['__main__'])), so the workers it forks do not run the module-level code again."
# source = "https://github.com/python/cpython/issues/126631"
# ids = ["P1"]
# changed_in = ["3.13.8", "3.14.1"]  # the releases the fix shipped in (NEWS of 3.13.18 and 3.14.10)
# timeout = 120
# # Windows has no forkserver.  macOS: not observed here; its forkserver runs the same forkserver.py and spawn.py.
# platforms = ["linux", "darwin"]
#
# # CPython up to 3.13.7 and 3.14.0, and PyPy (whose forkserver.py still keeps the keys main_path and sys_path):
# # every worker runs the script again.  Observed on CPython 3.7-3.12.1, 3.13.0, 3.11.2 and PyPy 3.9 and 3.11.
# [expect]
# stdout = """
# preload not set (the default, ['__main__']):
#   module-level code ran in the program, as __main__
#   module-level code ran in ForkServerProcess-1, as __mp_main__
#   task ran in ForkServerProcess-1
#   module-level code ran in ForkServerProcess-2, as __mp_main__
#   task ran in ForkServerProcess-2
# set_forkserver_preload(['__main__']):
#   module-level code ran in the program, as __main__
#   module-level code ran in ForkServerProcess-1, as __mp_main__
#   task ran in ForkServerProcess-1
#   module-level code ran in ForkServerProcess-2, as __mp_main__
#   task ran in ForkServerProcess-2
# set_forkserver_preload([]):
#   module-level code ran in the program, as __main__
#   module-level code ran in ForkServerProcess-1, as __mp_main__
#   task ran in ForkServerProcess-1
#   module-level code ran in ForkServerProcess-2, as __mp_main__
#   task ran in ForkServerProcess-2
# """
# stderr = ""
# exit = 0
# holds = false
#
# # The fix: 3.13.18, 3.14.10 and 3.15.2 observed; 3.13.8 and 3.14.1 are the releases that made the change, by
# # the changelogs ("What's New in Python 3.13.8" and "... 3.14.1" in the NEWS files of 3.13.18 and 3.14.10 list
# # gh-126631).
# [[expect.when]]
# implementation = ["cpython"]
# python = ">=3.13.8,!=3.14.0"
# stdout = """
# preload not set (the default, ['__main__']):
#   module-level code ran in the program, as __main__
#   module-level code ran in the fork server, as __mp_main__
#   task ran in ForkServerProcess-1
#   task ran in ForkServerProcess-2
# set_forkserver_preload(['__main__']):
#   module-level code ran in the program, as __main__
#   module-level code ran in the fork server, as __mp_main__
#   task ran in ForkServerProcess-1
#   task ran in ForkServerProcess-2
# set_forkserver_preload([]):
#   module-level code ran in the program, as __main__
#   module-level code ran in ForkServerProcess-1, as __mp_main__
#   task ran in ForkServerProcess-1
#   module-level code ran in ForkServerProcess-2, as __mp_main__
#   task ran in ForkServerProcess-2
# """
# holds = true
# ///
import multiprocessing
import os
import subprocess
import sys

VARIANT = os.environ.get("FORKSERVER_PRELOAD_MAIN_VARIANT")
VARIANTS = {
    "default": "preload not set (the default, ['__main__'])",
    "main": "set_forkserver_preload(['__main__'])",
    "none": "set_forkserver_preload([])",
}


def where():
    """The program, the fork server (a fresh MainProcess that imports the script as __mp_main__) or a worker."""
    if __name__ == "__main__":
        return "the program"
    name = multiprocessing.current_process().name
    return "the fork server" if name == "MainProcess" else name


if VARIANT:  # the module-level code under test, in the programs the case starts
    sys.stdout.write(f"  module-level code ran in {where()}, as {__name__}\n")
    sys.stdout.flush()


def task():
    sys.stdout.write(f"  task ran in {multiprocessing.current_process().name}\n")
    sys.stdout.flush()


def run_program(variant):
    ctx = multiprocessing.get_context("forkserver")
    if variant == "main":
        ctx.set_forkserver_preload(["__main__"])
    elif variant == "none":
        ctx.set_forkserver_preload([])
    for _ in range(2):
        p = ctx.Process(target=task)
        p.start()
        p.join()


if __name__ == "__main__":
    if VARIANT:
        run_program(VARIANT)
        sys.exit(0)
    for variant, heading in VARIANTS.items():
        done = subprocess.run(
            [sys.executable, os.path.abspath(__file__)],
            env=dict(os.environ, FORKSERVER_PRELOAD_MAIN_VARIANT=variant),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
        )
        print(f"{heading}:")
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            print(f"  the program exited with {done.returncode}")
