"""A thread object starts once: a second ``start()`` raises RuntimeError; ``join()`` raises RuntimeError on the
current thread and on a thread not yet started; ``join(timeout)`` returns None whether or not it timed out, and
only ``is_alive()`` tells the two apart.

``Thread.start`` checks ``self._started.is_set()`` and raises ``RuntimeError("threads can only be started once")``;
``Thread.join`` raises ``RuntimeError("cannot join thread before it is started")`` and ``"cannot join current
thread"`` (``Lib/threading.py``, ``Thread.start`` and ``Thread.join``).  The timed join is made on a thread that
waits on an Event nobody sets until afterwards, so it always times out, whatever the machine's speed.
"""
# /// case
# claim = "start() may be called once per thread (RuntimeError after), join() raises RuntimeError on the current or an unstarted thread, and a timed-out join() returns None, leaving is_alive() to tell."
# source = "https://docs.python.org/3.14/library/threading.html#threading.Thread.join"
# ids = ["T3", "T4", "T5"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# start() a second time: RuntimeError: threads can only be started once
# join() the current thread: RuntimeError: cannot join current thread
# join() a thread not started: RuntimeError: cannot join thread before it is started
# timed-out join() returned None; is_alive() after it: True
# completed join() returned None; is_alive() after it: False
# a thread can be joined many times: True
# """
# stderr = ""
# ///
import threading


def attempt(what, call):
    try:
        call()
        print(f"{what}: no error")
    except RuntimeError as e:
        print(f"{what}: RuntimeError: {e}")


if __name__ == "__main__":
    done = threading.Thread(target=lambda: None)
    done.start()
    done.join()
    attempt("start() a second time", done.start)
    attempt("join() the current thread", threading.current_thread().join)
    attempt("join() a thread not started", threading.Thread(target=lambda: None).join)

    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    result = waiter.join(timeout=0.05)  # the thread waits for `release`, set only below: the join times out
    print(f"timed-out join() returned {result!r}; is_alive() after it: {waiter.is_alive()}")
    release.set()
    result = waiter.join()
    print(f"completed join() returned {result!r}; is_alive() after it: {waiter.is_alive()}")
    print(f"a thread can be joined many times: {waiter.join() is None and not waiter.is_alive()}")
