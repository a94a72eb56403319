"""The program exits when only daemon threads are left, and they are stopped abruptly: a daemon thread blocked at
shutdown never runs its ``finally`` block.  A non-daemon thread, by contrast, is waited for: it finishes after the
main thread's last statement.

At exit the interpreter calls ``threading._shutdown()``, which joins every non-daemon thread
(``_shutdown_locks`` before 3.13, ``_thread._shutdown`` from 3.13) and no daemon thread; daemon threads are then
frozen when they next try to take the GIL (``Python/ceval_gil.c``, the thread exits in ``take_gil`` once the
runtime is finalizing) and their ``finally`` clauses never run.  Both threads wait on Events set by the main
thread, so nothing depends on timing: the non-daemon one is released by the main thread's last line, the daemon one
never is.
"""
# /// case
# claim = "The program exits when only daemon threads are left, stopping them abruptly (their finally blocks do not run), while non-daemon threads are waited for."
# source = "https://docs.python.org/3.14/library/threading.html#thread-objects"
# ids = ["T7", "T8"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# main thread: last statement
# non-daemon thread: finished after the main thread's last statement
# """
# stderr = ""
# ///
import sys
import threading

never = threading.Event()
main_done = threading.Event()


def daemon_worker(started):
    try:
        started.set()
        never.wait()
    finally:
        print("daemon thread: finally block ran")
        sys.stdout.flush()


def non_daemon_worker():
    main_done.wait()
    print("non-daemon thread: finished after the main thread's last statement")


if __name__ == "__main__":
    started = threading.Event()
    threading.Thread(target=daemon_worker, args=(started,), daemon=True).start()
    started.wait()
    threading.Thread(target=non_daemon_worker).start()
    print("main thread: last statement")
    sys.stdout.flush()
    main_done.set()
