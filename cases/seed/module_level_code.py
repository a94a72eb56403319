"""Module-level code runs again in every pool worker, but only when the worker is not forked (and, from 3.14, not
forked from a fork server that has already run it).

The post (written on Windows, where only spawn exists) prints ``in MainProcess`` once and then
``in SpawnPoolWorker-N`` once per worker, and concludes that module-level code runs in every worker.

Why it depends on the start method (CPython ``multiprocessing/spawn.py``):

* spawn: the worker is a fresh interpreter.  ``spawn.prepare()`` calls ``_fixup_main_from_path()``, which runs the
  parent's main script with ``runpy.run_path(main_path, run_name="__mp_main__")`` so that the worker can unpickle
  functions defined in it.  Every module-level statement runs again; only the ``if __name__ == "__main__":`` block
  does not (``__name__`` is ``"__mp_main__"`` there).
* forkserver up to 3.13.7: the workers are forked from the fork server, but the server does *not* preload the
  main module: ``ForkServer.ensure_running()`` asks ``spawn.get_preparation_data()`` for the key ``'main_path'``
  while that function produces ``'init_main_from_path'``, so ``main_path`` reaches ``forkserver.main()`` as None.
  Each forked worker then runs ``spawn._main()`` -> ``prepare()`` -> ``_fixup_main_from_path()`` like a spawn
  worker, and the module-level code runs once per worker (``in ForkServerPoolWorker-N``).
* forkserver from 3.14 (3.14.1, and 3.13.8 by backport): gh-126631 fixed that key (``if 'init_main_from_path' in
  data: main_kws['main_path'] = data['init_main_from_path']`` in ``ensure_running()``), so the fork server, whose
  default preload list is ``['__main__']``, runs ``spawn.import_main_path(main_path)`` once when it starts.  The
  module-level code runs there, in a fresh interpreter whose ``current_process()`` is called ``MainProcess``: the
  second ``in MainProcess`` line.  Every worker forked from the server already has ``__main__`` with the right
  ``__file__``, so ``_fixup_main_from_path()`` returns early (``if getattr(current_main, '__file__', None) ==
  main_path: return``) and no worker runs it.  The claim no longer holds under forkserver.  (PyPy 3.9 and 3.11
  still have the old key, ``desired_keys = {'main_path', 'sys_path'}`` in their forkserver.py, and behave like
  CPython 3.7-3.13.)
* fork: the worker is a copy of the parent taken after the module ran; nothing is imported or run again, so the
  module-level print appears only once, in the main process.  The claim does not hold under fork.

The worker count is fixed (``Pool(2)``) so that the printed lines do not depend on the CPU count; the workers
print while they bootstrap, in any order, hence the ``[unordered]`` group.  All of them have printed by the time
``pool.join()`` returns, and the summary is printed after that.  What the post's ``Pool()`` does is checked in a
child interpreter (this same file, with ``--default-pool``) whose stdout is captured and counted: one line per
worker, ``os.cpu_count()`` workers, or none under fork.
"""
# /// case
# claim = "Module-level code (print(f'in {current_process().name}')) runs once in the main process and once more in every pool worker."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S17"]
# timeout = 60
#
# [expect]
# exit = 0
#
# [[expect.when]]
# start_method = ["spawn"]
# stdout = """
# in MainProcess
# [unordered]
# in SpawnPoolWorker-N
# in SpawnPoolWorker-N
# [/unordered]
# map results: [42, 33, 24]
# Pool(): workers == os.cpu_count(): True
# Pool(): module-level code ran in every worker: True
# """
#
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = """
# in MainProcess
# [unordered]
# in ForkServerPoolWorker-N
# in ForkServerPoolWorker-N
# [/unordered]
# map results: [42, 33, 24]
# Pool(): workers == os.cpu_count(): True
# Pool(): module-level code ran in every worker: True
# """
#
# # 3.13.18, 3.14.10 and 3.15.2 observed (3.13.0 re-runs it); the boundaries 3.13.8 and 3.14.1 are the fix's
# # releases (3.13's changelog lists gh-126631 under 3.13.8; backported to 3.13 by python/cpython#138609); 3.14.0 still re-ran the script in every worker.
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.13.8,!=3.14.0"
# holds = false
# stdout = """
# in MainProcess
# in MainProcess
# map results: [42, 33, 24]
# Pool(): workers == os.cpu_count(): True
# Pool(): module-level code ran in no worker: True
# """
#
# [[expect.when]]
# start_method = ["fork"]
# holds = false
# stdout = """
# in MainProcess
# map results: [42, 33, 24]
# Pool(): workers == os.cpu_count(): True
# Pool(): module-level code ran in no worker: True
# """
#
# # win32 and darwin: not yet observed here.  Windows offers only spawn and macOS defaults to it (3.8+); both run
# # spawn through the same spawn.prepare() path, so the spawn table above applies there unchanged.
# ///
import multiprocessing
import os
import re
import subprocess
import sys
from multiprocessing import Pool

# The post writes print(f"in {multiprocessing.current_process().name}").  print() writes the text and the "\n"
# separately, and with an unbuffered stdout (PYTHONUNBUFFERED, as the harness runs cases) each is its own system
# call, so two workers printing at the same moment can produce "in A-1in A-2\n\n".  One write per line keeps
# every line whole.
print(f"in {multiprocessing.current_process().name}\n", end="")


def func(r):
    return r


def run_default_pool():
    """The post's ``Pool()``: one worker per CPU, each printing its own ``in ...`` line under spawn/forkserver."""
    pool = Pool()
    # One write, as for the module-level line above: the workers print meanwhile, and a worker's line written
    # between this text and its newline would leave the count unreadable.
    print(f"workers: {len(multiprocessing.active_children())}\n", end="")
    pool.map(func, range(8))
    pool.close()
    pool.join()


def count_worker_lines(text):
    return len(re.findall(r"in \w+PoolWorker-\d+", text))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--default-pool"]:
        multiprocessing.set_start_method(sys.argv[2])
        run_default_pool()
        sys.exit(0)

    pool = Pool(2)
    results = pool.map(func, [42, 33, 24])
    pool.close()
    pool.join()  # every worker has finished bootstrapping (and printed, if it does) once join returns
    print(f"map results: {results}")

    method = multiprocessing.get_start_method()
    # A child interpreter running this file captures what Pool() prints; its own start method is set explicitly.
    child = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--default-pool", method],
        stdout=subprocess.PIPE, universal_newlines=True, timeout=60, check=True,
    )
    # The child prints "in MainProcess", "workers: N", then one "in ...PoolWorker-N" line per worker that ran
    # the module-level code.
    n_workers = int(next(l for l in child.stdout.splitlines() if l.startswith("workers: ")).split()[1])
    n_printed = count_worker_lines(child.stdout)
    print(f"Pool(): workers == os.cpu_count(): {n_workers == os.cpu_count()}")
    if n_printed == 0:
        print("Pool(): module-level code ran in no worker: True")
    else:
        print(f"Pool(): module-level code ran in every worker: {n_printed == n_workers}")
