"""The atexit page says that from 3.12 starting a new thread or calling ``os.fork()`` in a registered function
raises RuntimeError.  That is what 3.12.1 does (``can't create new thread at interpreter shutdown``, ``can't fork
at interpreter shutdown``); 3.13, 3.14 and 3.15 start the thread and fork again, as every version before 3.12 did.

In 3.12.0-3.12.2 ``Py_FinalizeEx`` marks the interpreter as finalizing before it runs the atexit handlers, and
``thread.start_new_thread`` and ``os.fork`` refuse while ``interp->finalizing`` is set.  gh-113964 ("Don't
prevent new threads until all non-daemon threads exit", python/cpython#116677, in 3.13) moved the check to
``_PyInterpreterState_GetFinalizing()``, which ``Py_FinalizeEx`` sets later, once the atexit handlers have run
(whether a 3.12 point release after 3.12.1 got the change is not observed here); the 3.14 atexit page still
carries the 3.12 note.  The thread is joined and the forked child waited for inside the handler; the
fork-with-threads DeprecationWarning is silenced.
"""
# /// case
# claim = "From 3.12, starting a new thread or calling os.fork() in an atexit handler raises RuntimeError."
# source = "https://docs.python.org/3.14/library/atexit.html#atexit.register"
# ids = ["T91"]
# start_methods = ["default"]
# platforms = ["linux", "darwin"]
# timeout = 60
#
# [expect]
# stdout = """
# main: done
# atexit handler, Thread.start(): the thread ran
# atexit handler, os.fork(): forked
# """
# stderr = ""
#
# [[expect.when]]
# python = ">=3.12,<3.13"
# stdout = """
# main: done
# atexit handler, Thread.start(): RuntimeError: can't create new thread at interpreter shutdown
# atexit handler, os.fork(): RuntimeError: can't fork at interpreter shutdown
# """
#
# # 3.13+: the thread starts and the fork happens again, as before 3.12; the note no longer holds.
# [[expect.when]]
# python = ">=3.13"
# holds = false
# ///
import atexit
import os
import sys
import threading
import warnings


def at_exit():
    warnings.simplefilter("ignore", DeprecationWarning)
    ran = []
    try:
        t = threading.Thread(target=lambda: ran.append("ran"))
        t.start()
        t.join()
        print(f"atexit handler, Thread.start(): the thread {ran[0]}")
    except RuntimeError as e:
        print(f"atexit handler, Thread.start(): RuntimeError: {e}")
    try:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        print("atexit handler, os.fork(): forked")
    except RuntimeError as e:
        print(f"atexit handler, os.fork(): RuntimeError: {e}")
    sys.stdout.flush()


if __name__ == "__main__":
    atexit.register(at_exit)
    print("main: done")
