"""ProcessPoolExecutor(max_tasks_per_child=n) with a backlog of tasks: hangs up to 3.14.6 and 3.13.0, fixed in
3.14.7 (gh-115634).

With ``max_tasks_per_child`` (3.11), a worker exits after n tasks and the executor manager thread replaces it
(``_adjust_process_count``).  That function first tries ``self._idle_worker_semaphore.acquire(blocking=False)``
and spawns nothing when it gets a token, taking the token for an idle worker.  But a worker releases a token after
every task it finishes, and only ``submit()`` takes them: with a backlog queued up front, stale tokens pile up,
the replacement finds one, and no worker is left to run the queue: the remaining futures never finish.  3.14.7
(and a later 3.13 release) replace dead workers by counting ``self._processes`` instead (``_replace_dead_worker``,
python/cpython#140900).

The case queues six tasks on one worker with two tasks per child and waits up to 20 s for them (they take well
under a second when nothing hangs).  If some are still pending, it kills the workers and leaves with
``os._exit`` so that the hang does not carry over into the interpreter's exit (the resource tracker then
warns about the executor's semaphores, which no finalizer released).  ``Executor._processes`` is
private: it is the only handle on the workers to kill.
"""
# /// case
# claim = "A ProcessPoolExecutor with max_tasks_per_child runs every queued task, replacing each retiring worker (the deadlock fixed in 3.14.7, gh-115634)."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor"
# ids = ["D92"]
# timeout = 60
# # 3.13 lists the leaked semaphores' random names in the resource tracker's warning.
# normalize = [['/mp-[A-Za-z0-9_]+', '/mp-<name>']]
#
# [expect]
# stdout = """
# tasks finished within 20 s: 6 of 6
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.11"
# stdout = """
# max_tasks_per_child: TypeError
# """
#
# [[expect.when]]
# python = ">=3.11,<3.14"
# stdout = """
# tasks finished within 20 s: 2 of 6
# """
# stderr = """
# ...
# [..]UserWarning: resource_tracker: There appear to be [..] leaked semaphore objects to clean up at shutdown[..]
# ...
# """
# exit = 0
# known_bug = "the idle-worker semaphore keeps stale tokens, so a retiring worker is not replaced and the queued tasks never run (https://github.com/python/cpython/issues/115634, fixed in 3.14.7 and a later 3.13 release)."
#
# # Windows has no resource tracker (semaphores are kernel objects, freed with their last handle): no warning.
# # Wine-observed under Wine 10.0 (CPython 3.11-3.13); under Wine 8.0 no task finishes (0 of 6), Wine 8's
# # zero-length pipe messages, which ProcessPoolExecutor's wakeup uses, are dropped.
# [[expect.when]]
# platform = ["win32"]
# python = ">=3.11,<3.14"
# stdout = """
# tasks finished within 20 s: 2 of 6
# """
# stderr = ""
# exit = 0
# ///
import os
import sys
from concurrent.futures import ProcessPoolExecutor, wait

if __name__ == "__main__":
    try:
        executor = ProcessPoolExecutor(max_workers=1, max_tasks_per_child=2)
    except TypeError:
        print("max_tasks_per_child: TypeError")
        sys.exit(0)
    futures = [executor.submit(os.getpid) for _ in range(6)]
    done, pending = wait(futures, timeout=20)
    print(f"tasks finished within 20 s: {len(done)} of 6")
    if pending:
        for process in list(executor._processes.values()):
            process.kill()
        sys.stdout.flush()
        os._exit(0)
    executor.shutdown()
