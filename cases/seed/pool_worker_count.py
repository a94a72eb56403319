"""Pool(n) starts n worker processes at once; Pool() starts one per CPU (os.cpu_count(), or from 3.13
os.process_cpu_count()).

``Pool.__init__`` calls ``_repopulate_pool()``, which creates and ``start()``s every worker before the
constructor returns (multiprocessing/pool.py), so the workers exist before any task is submitted; n is not
capped by the CPU count.  With no n, 3.7-3.12 use ``os.cpu_count() or 1``; 3.13 uses
``os.process_cpu_count() or 1``, the CPUs this process may run on.  The two differ when the process's CPU
affinity is restricted (``taskset``, containers, ``os.sched_setaffinity``): the case pins itself to one CPU to
show it.  The case prints facts, not numbers, so its output does not depend on the machine (it needs at least
two CPUs for the pinned part, and a platform with os.sched_setaffinity).

PyPy follows CPython 3.9-3.12 here: its multiprocessing/pool.py (3.9 and 3.11 alike) still sizes ``Pool()`` with
``os.cpu_count() or 1`` (PyPy 3.11 has no ``os.process_cpu_count``), so pinned PyPy 3.11 still starts one worker
per CPU of the machine.  PyPy 3.9 has no ``os.sched_setaffinity``, so the pinned part is not tried there.
"""
# /// case
# claim = "Pool(n) starts n worker processes at once; with no n it starts one per CPU (os.cpu_count())."
# source = "seed §进程/Process和Pool中使用队列"
# ids = ["S5"]
# timeout = 60
#
# [expect]
# stdout = """
# Pool(3): 3 workers running before any task: True
# Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: True
# Pool(): workers == os.cpu_count(): True
# pinned to one CPU: Pool(): workers == os.cpu_count(): True
# pinned to one CPU: Pool(): workers == CPUs this process may use: False
# """
# stderr = ""
# exit = 0
#
# # 3.13 counts the CPUs this process may use (os.process_cpu_count), not the machine's: the post's
# # "one per CPU core" no longer holds when the affinity is restricted.
# [[expect.when]]
# python = ">=3.13"
# stdout = """
# Pool(3): 3 workers running before any task: True
# Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: True
# Pool(): workers == os.cpu_count(): True
# pinned to one CPU: Pool(): workers == os.cpu_count(): False
# pinned to one CPU: Pool(): workers == CPUs this process may use: True
# """
# holds = false
#
# # Predicted, not observed on Windows or macOS: written from the CPython source.  Windows and macOS have no
# # os.sched_setaffinity.
# [[expect.when]]
# platform = ["win32", "darwin"]
# stdout = """
# Pool(3): 3 workers running before any task: True
# Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: True
# Pool(): workers == os.cpu_count(): True
# pinned to one CPU: not tried (no os.sched_setaffinity here)
# """
# holds = true
#
# # Observed under Wine 8.0 (Windows CPython 3.8.10-3.13.2, spawn; not yet on Windows itself): as predicted.
# [[expect.when]]
# platform = ["win32-wine8.0"]
# stdout = """
# Pool(3): 3 workers running before any task: True
# Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: True
# Pool(): workers == os.cpu_count(): True
# pinned to one CPU: not tried (no os.sched_setaffinity here)
# """
# holds = true
#
# # PyPy 3.9 has no os.sched_setaffinity (observed: hasattr(os, "sched_setaffinity") is False), so the pinned part
# # is not tried there.
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# stdout = """
# Pool(3): 3 workers running before any task: True
# Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: True
# Pool(): workers == os.cpu_count(): True
# pinned to one CPU: not tried (no os.sched_setaffinity here)
# """
# ///
from multiprocessing import Pool, active_children
import os


def workers_started_by(*args):
    """Create a pool, count the worker processes running before any task is given, and close the pool."""
    before = set(active_children())
    pool = Pool(*args)
    running = [p for p in active_children() if p not in before and p.is_alive()]
    pool.terminate()
    pool.join()
    return len(running)


if __name__ == "__main__":
    print(f"Pool(3): 3 workers running before any task: {workers_started_by(3) == 3}")
    n = os.cpu_count() + 1
    print(f"Pool(os.cpu_count() + 1): os.cpu_count() + 1 workers running before any task: "
          f"{workers_started_by(n) == n}")
    print(f"Pool(): workers == os.cpu_count(): {workers_started_by() == os.cpu_count()}")

    if not hasattr(os, "sched_setaffinity"):
        print("pinned to one CPU: not tried (no os.sched_setaffinity here)")
    elif os.cpu_count() < 2:
        print("pinned to one CPU: not tried (this machine has one CPU)")
    else:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        workers = workers_started_by()
        print(f"pinned to one CPU: Pool(): workers == os.cpu_count(): {workers == os.cpu_count()}")
        print(f"pinned to one CPU: Pool(): workers == CPUs this process may use: "
              f"{workers == len(os.sched_getaffinity(0))}")
