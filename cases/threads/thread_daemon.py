"""The daemon flag: the main thread is not a daemon, a thread inherits the flag of the thread that creates it, the
``daemon`` constructor argument overrides that, and setting the flag on a started thread raises RuntimeError.

``Thread.__init__``: ``if daemon is not None: self._daemonic = daemon`` else
``self._daemonic = current_thread().daemon``; the ``daemon`` setter raises ``RuntimeError("cannot set daemon
status of active thread")`` once ``self._started.is_set()`` (``Lib/threading.py``).
"""
# /// case
# claim = "The daemon flag is inherited from the creating thread (the main thread is not a daemon), the daemon argument overrides it, and it cannot be set once the thread has started."
# source = "https://docs.python.org/3.14/library/threading.html#threading.Thread.daemon"
# ids = ["T6"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# main thread is a daemon: False
# thread with daemon=False: a thread it creates has daemon=False, with daemon=True passed: True
# thread with daemon=True: a thread it creates has daemon=True, with daemon=False passed: False
# setting daemon on a started thread: RuntimeError: cannot set daemon status of active thread
# """
# stderr = ""
# ///
import threading


def report_children(out):
    me = threading.current_thread()
    out.append((me.daemon, threading.Thread(target=lambda: None).daemon,
                threading.Thread(target=lambda: None, daemon=not me.daemon).daemon))


if __name__ == "__main__":
    print(f"main thread is a daemon: {threading.main_thread().daemon}")
    for flag in (False, True):
        out = []
        t = threading.Thread(target=report_children, args=(out,), daemon=flag)
        t.start()
        t.join()
        own, inherited, overridden = out[0]
        print(f"thread with daemon={own}: a thread it creates has daemon={inherited}, "
              f"with daemon={not own} passed: {overridden}")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        t.daemon = True
        print("setting daemon on a started thread: no error")
    except RuntimeError as e:
        print(f"setting daemon on a started thread: RuntimeError: {e}")
    stop.set()
    t.join()
