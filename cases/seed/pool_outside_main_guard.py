"""``pool = Pool()`` outside ``if __name__ == "__main__":``: fine under fork (and under forkserver on 3.13.8+), an
endless respawn storm otherwise (or, under forkserver on 3.14.1-3.14.x, a crash at once).

The post says the pool must be created inside the ``__main__`` guard "because creating the pool already starts
processes in the background".  This case creates it at module level, as the warning forbids, and waits for an
outcome (``map`` returns, or more workers have died than the pool has), then terminates the pool, so it always
ends.

What happens, and why (CPython ``multiprocessing/spawn.py`` and ``pool.py``):

* fork: the module runs once, in the parent.  The workers are copies of the parent, nothing re-runs the module,
  so the unguarded pool is harmless and ``map`` returns.  The claim ("must") does not hold under fork.
* spawn, and forkserver up to 3.13.7 and on 3.14.0: each worker re-runs the main script as ``__mp_main__``
  while it bootstraps (``spawn._main()`` sets ``current_process()._inheriting = True`` and calls ``prepare()`` ->
  ``_fixup_main_from_path()``).  There the module-level ``Pool(2)`` tries to start its own workers;
  ``Popen._launch()`` calls ``spawn.get_preparation_data()`` -> ``_check_not_importing_main()``, which raises
  ``RuntimeError: An attempt has been made to start a new process before the current process has finished its
  bootstrapping phase.``  The worker dies (exit code 1) before it ever takes a task.  The parent's worker-handler
  thread (``Pool._handle_workers`` -> ``_maintain_pool`` -> ``_repopulate_pool``) sees the dead worker and starts a
  new one, which dies the same way: a storm of tracebacks on stderr that never ends, while ``map`` waits forever
  (a hang).  There is no recursion: the error stops each worker before it can start grandchildren.
* forkserver on 3.13.8-3.13.x: the fork server preloads ``__main__`` (gh-126631 made ``ensure_running()`` pass
  ``main_path``; see module_level_code.py), so the module-level ``Pool(2)`` first runs in the fork server itself,
  inside ``spawn.import_main_path(main_path)``.  Nothing has set a start method in that fresh interpreter, and on
  3.13 the default context on Linux is *fork* (``_default_context = DefaultContext(_concrete_contexts['fork'])``,
  Lib/multiprocessing/context.py line 334 in 3.13.18): the fork server's ``Pool(2)`` forks two workers of its own
  (``popen_fork.Popen._launch`` calls ``os.fork()`` and never ``get_preparation_data()``, so
  ``_check_not_importing_main()`` does not run) and the server goes on serving.  The program's own workers are
  then forked from the server with ``__main__`` already imported (its ``pool`` a lifeless copy), re-run nothing,
  take the tasks, and ``map`` returns: the outcome of fork, and the claim does not hold (observed on 3.13.18; the
  log names the server's run ``ran MainProcess``, as the parent's).
* forkserver on 3.14.1-3.14.x: the same preload, but the default context of 3.14 is *forkserver*, so the server's
  ``Pool(2)`` goes through ``get_preparation_data()`` while ``_inheriting = True`` and raises the RuntimeError
  there.  ``forkserver.main()`` does not catch it (only ``ImportError`` of the other preload
  modules is ignored), so the fork server dies before it serves anyone; the parent, which connected to it to
  start its first worker, gets ``ConnectionResetError: [Errno 104] Connection reset by peer`` from
  ``connection.answer_challenge()`` in ``connect_to_new_process()`` and dies at ``pool = Pool(2)``: no storm, the
  program fails at once (22 of 22 runs on 3.14.10).  The claim holds there in its strongest form.
* forkserver on 3.15: ``_handle_preload()`` now catches any exception from preloading ``__main__`` and, with the
  default ``on_error='ignore'`` (gh-141860), ignores it silently.  The fork server survives without a preloaded
  ``__main__``, so every worker re-runs the script as on 3.13.0 and the storm is back.

``Pool(2)`` is used instead of the post's ``Pool()`` so that the outcome does not depend on the CPU count; with
``Pool()`` ``os.cpu_count()`` workers die and respawn in parallel in the same way.

Instrumentation (not in the post): before the unguarded pool, the module appends one line to a log file each
time it runs (its path travels to the workers in an environment variable), and ``sys.excepthook`` logs the
exception that kills a worker (``forkserver`` workers report it through ``sys.excepthook`` too).  The parent
reads the log after the outcome and prints counts in buckets, never exact numbers, since the storm's rate depends
on the machine's speed.
"""
# /// case
# claim = "pool = Pool() must be inside if __name__ == '__main__', because creating a Pool starts processes at once."
# source = "seed §使用技巧/在线程中使用辅助进程"
# ids = ["S18"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# map returned: False
# the module ran again in a worker: True
# workers that died while bootstrapping: 3 or more (respawn storm)
# every such worker died of: RuntimeError: An attempt has been made to start a new process before the
# a worker took a task: False
# pool terminated, processes left: 0
# """
#
# [[expect.when]]
# start_method = ["fork"]
# holds = false
# stdout = """
# map returned: True
# map results: [42, 33, 24]
# the module ran again in a worker: False
# workers that died while bootstrapping: 0
# a worker took a task: True
# pool terminated, processes left: 0
# """
#
# # The fork server preloads __main__ (the fix of gh-126631: 3.13.8 and 3.14.1 by the changelogs; 3.13.0 observed
# # without it, 3.13.18 and 3.14.10 with it).  On 3.13 the server's own Pool(2) is a fork pool and the program
# # works (3.13.18 observed) ...
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.13.8,<3.14"
# holds = false
# stdout = """
# map returned: True
# map results: [42, 33, 24]
# the module ran again in a worker: False
# workers that died while bootstrapping: 0
# a worker took a task: True
# pool terminated, processes left: 0
# """
#
# # ... on 3.14 it is a forkserver pool, and the fork server dies of the RuntimeError (3.14.10 observed); 3.15
# # ignores the preload's error (gh-141860) and shows the storm again.
# [[expect.when]]
# start_method = ["forkserver"]
# python = ">=3.14.1,<3.15"
# stdout = ""
# exception = "ConnectionResetError: [Errno 104] Connection reset by peer"
# exit = 1
#
# # win32 and darwin: not yet observed here.  Windows offers only spawn and macOS defaults to it (3.8+); both
# # re-run the main script in each worker through spawn.prepare(), so the [expect] storm applies there unchanged
# # (this is the situation the post's author, on Windows, was warned about).
# ///
import multiprocessing
import os
import sys
import tempfile
import time
from multiprocessing import Pool, current_process

# --- instrumentation, not in the post: log every run of this module and the exception that ends it ---
LOG = os.environ.get("POOL_OUTSIDE_MAIN_GUARD_LOG")
if LOG is None:  # the first run, in the parent: choose the log; workers inherit it through the environment
    fd, LOG = tempfile.mkstemp(prefix="pool_outside_main_guard.")
    os.close(fd)
    os.environ["POOL_OUTSIDE_MAIN_GUARD_LOG"] = LOG


def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")


def log_fatal_exception(etype, value, tb, _previous_hook=sys.excepthook):
    first_line = next((l.strip() for l in str(value).splitlines() if l.strip()), "")
    log(f"died {current_process().name} {etype.__name__}: {first_line}")
    _previous_hook(etype, value, tb)


log(f"ran {current_process().name}")
sys.excepthook = log_fatal_exception
# --- end of instrumentation ---



def func(r):
    log(f"task {current_process().name}")
    return r


# The post's main block with its guard removed: the pool is created at module level, after every definition.
pool = Pool(2)  # the mistake: outside the __main__ guard


def read_log():
    with open(LOG) as f:
        return f.read().splitlines()


def deaths(lines):
    return [l.split(" ", 2)[2] for l in lines if l.startswith("died ")]


if __name__ == "__main__":
    result = pool.map_async(func, [42, 33, 24])
    # Wait for an outcome, not for a length of time: either map returns, or more workers have died than the pool
    # has (so at least one respawned worker died too: the storm).  The deadline only ends a run that shows
    # neither; it is generous so that a loaded machine still reaches an outcome.
    deadline = time.monotonic() + 45
    while not result.ready() and len(deaths(read_log())) <= 2 and time.monotonic() < deadline:
        result.wait(0.05)
    finished = result.ready()
    print(f"map returned: {finished}")
    if finished:
        print(f"map results: {result.get()}")
    pool.terminate()  # joins the worker handler first, so no worker is respawned behind our back
    pool.join()

    lines = read_log()
    os.remove(LOG)
    reruns = [l for l in lines if l.startswith("ran ") and l != "ran MainProcess"]
    died = deaths(lines)
    tasks = [l for l in lines if l.startswith("task ")]
    print(f"the module ran again in a worker: {bool(reruns)}")
    bucket = "0" if not died else "1 or 2" if len(died) <= 2 else "3 or more (respawn storm)"
    print(f"workers that died while bootstrapping: {bucket}")
    for cause in sorted(set(died)):
        print(f"every such worker died of: {cause}" if len(set(died)) == 1 else f"a worker died of: {cause}")
    print(f"a worker took a task: {bool(tasks)}")
    print(f"pool terminated, processes left: {len(multiprocessing.active_children())}")
