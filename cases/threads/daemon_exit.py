"""The program exits when only daemon threads are left, and they are stopped abruptly: a daemon thread blocked at
shutdown never runs its ``finally`` block.  A non-daemon thread, by contrast, is waited for: it finishes after the
main thread's last statement.

At exit the interpreter calls ``threading._shutdown()``, which joins every non-daemon thread
(3.12 ``threading.py:852-853``, ``_shutdown_locks``; 3.13 ``threading.py:1543``, ``_thread_shutdown()``) and
no daemon thread; a daemon thread that then tries to take the GIL is stopped there (``Python/ceval_gil.c``,
``take_gil`` once the runtime is finalizing: the thread exits, or from 3.14 hangs) and never runs Python code
again, so its ``finally`` clause never runs.  Both threads wait on Events set by the main
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
