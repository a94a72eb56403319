"""Events and timers: ``Event.wait()`` returns True once the flag is set and False when its timeout expires;
the docs' Timer example prints ``hello, world`` after its interval; a Timer cancelled while it waits never runs
its function.

``Lib/threading.py``: ``Event.wait`` returns ``signaled`` (the flag after the wait); ``Timer.run`` does
``self.finished.wait(self.interval)`` and calls the function only ``if not self.finished.is_set()``, and
``cancel()`` sets ``finished``.  The docs' timer uses 30 s; here 0.01 s.  The cancelled timer has a 60 s
interval and is cancelled at once, so its function could only run if ``cancel()`` failed.
"""
# /// case
# claim = "Event.wait() returns True when the flag is set and False on timeout; a Timer runs its function after the interval (the docs' example prints 'hello, world'), and one cancelled while waiting never does."
# source = "https://docs.python.org/3.14/library/threading.html#timer-objects"
# ids = ["T26", "T27"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# wait(timeout=0.01) on a clear event: False
# wait() once another thread sets it: True
# hello, world
# cancelled timer ran its function: False
# """
# stderr = ""
# ///
import threading
from threading import Timer


def hello():
    print("hello, world")


if __name__ == "__main__":
    event = threading.Event()
    print(f"wait(timeout=0.01) on a clear event: {event.wait(timeout=0.01)}")
    threading.Thread(target=event.set).start()
    print(f"wait() once another thread sets it: {event.wait()}")

    t = Timer(0.01, hello)
    t.start()  # after 0.01 seconds, "hello, world" will be printed
    t.join()
    ran = []
    t = Timer(60.0, ran.append, args=("ran",))
    t.start()
    t.cancel()
    t.join()
    print(f"cancelled timer ran its function: {bool(ran)}")
