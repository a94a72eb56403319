"""Pool(maxtasksperchild=n) (3.2) replaces a worker after n tasks, also with a backlog queued up front.

A ``Pool`` worker (``worker()`` in multiprocessing/pool.py) counts its completed tasks and returns once
``completed == maxtasks``; the pool's worker-handler thread (``_handle_workers`` -> ``_maintain_pool``) sees the
exited worker, joins it and starts a new one (``_repopulate_pool``), whatever is queued.  Unlike
``ProcessPoolExecutor(max_tasks_per_child=...)`` before its 3.14.7 fix (see
version_max_tasks_per_child_deadlock), there is no idle-worker accounting to go stale, so a backlog of six tasks
on one worker with two tasks per child runs to the end in three worker processes.
"""
# /// case
# claim = "Pool(processes=1, maxtasksperchild=2) runs a backlog of six tasks in three successive worker processes."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing.pool.Pool"
# ids = ["D100"]
# timeout = 60
#
# [expect]
# stdout = """
# 6 tasks queued at once, one worker, 2 tasks per child: all finished: True; worker processes: 3
# """
# stderr = ""
# exit = 0
# ///
import os
from multiprocessing import Pool

if __name__ == "__main__":
    with Pool(processes=1, maxtasksperchild=2) as pool:
        results = [pool.apply_async(os.getpid) for _ in range(6)]
        pids = [result.get(timeout=30) for result in results]
    print(f"6 tasks queued at once, one worker, 2 tasks per child: all finished: {len(pids) == 6}; "
          f"worker processes: {len(set(pids))}")
