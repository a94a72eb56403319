"""ProcessPoolExecutor.terminate_workers() and kill_workers(), new in 3.14: SIGTERM or SIGKILL to every live worker.

Both call ``_force_shutdown`` (concurrent/futures/process.py, 3.14): it copies ``self._processes``, calls
``self.shutdown(wait=False, cancel_futures=True)``, then ``terminate()`` (SIGTERM) or ``kill()`` (SIGKILL) on
each worker still alive, so the workers' exit codes are ``-15`` and ``-9``.  A task still running when the
workers die never completes normally: its future fails with ``BrokenProcessPool`` (the manager thread sees the
workers' sentinels fire).

Each executor has one worker (with two, the manager thread, seeing the first killed worker, may SIGTERM the
second before ``kill_workers`` SIGKILLs it: a race, observed once in three runs on 3.14 spawn).  It first runs
one task, so that its worker exists, then gets a task that sleeps for 60 s, and is stopped once that task has
set an Event (given to the worker by the initializer).  The case reads the worker from ``Executor._processes``
(private) before the call, and prints its exit code once ``shutdown(wait=True)`` has let the executor's manager
thread join it.  It does not join the worker itself: two threads polling one forkserver ``Popen`` race for the
exit status the fork server writes once, and the loser stores 255 (``popen_forkserver.Popen.poll`` on
``EOFError``), a result seen on 3.15 forkserver when this case joined the worker too.  Before 3.14 the methods
are missing: the line shows the AttributeError (checked before any task is submitted).
"""
# /// case
# claim = "From 3.14, ProcessPoolExecutor.terminate_workers() and kill_workers() stop every worker at once (SIGTERM, SIGKILL) and the running task's future fails."
# source = "https://docs.python.org/3.15/library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor.terminate_workers"
# ids = ["D93"]
# timeout = 60
#
# [expect]
# stdout = """
# terminate_workers(): worker exit codes [-15]; the running task: BrokenProcessPool
# kill_workers(): worker exit codes [-9]; the running task: BrokenProcessPool
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = "<3.14"
# stdout = """
# terminate_workers(): AttributeError: 'ProcessPoolExecutor' object has no attribute 'terminate_workers'
# kill_workers(): AttributeError: 'ProcessPoolExecutor' object has no attribute 'kill_workers'
# """
# ///
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

started = None


def remember(event):
    global started
    started = event


def sleep_long():
    started.set()
    time.sleep(60)


def outcome(future):
    try:
        future.result(timeout=30)
    except Exception as e:
        return type(e).__name__
    return "finished"


if __name__ == "__main__":
    for method in ("terminate_workers", "kill_workers"):
        event = multiprocessing.Event()
        executor = ProcessPoolExecutor(max_workers=1, initializer=remember, initargs=(event,))
        try:
            stop = getattr(executor, method)
        except AttributeError as e:
            print(f"{method}(): AttributeError: {e}")
            executor.shutdown()
            continue
        executor.submit(abs, 1).result()
        running = executor.submit(sleep_long)
        if not event.wait(30):
            raise SystemExit("the long task did not start within 30 s")
        workers = list(executor._processes.values())
        stop()
        failure = outcome(running)
        executor.shutdown(wait=True)  # its manager thread joins the workers: their exit codes are known after it
        codes = [worker.exitcode for worker in workers]
        print(f"{method}(): worker exit codes {codes}; the running task: {failure}")
