# /// case
# claim = "faulthandler.dump_traceback() shows where every thread is: each frame with the line it is executing."
# source = "https://docs.python.org/3/library/faulthandler.html#dumping-the-traceback"
# ids = ["M5"]
# start_methods = ["default"]
# ///
"""Which line does faulthandler's dump of all threads give for a thread blocked in Event.wait()?

faulthandler is what one reaches for when threads hang: `dump_traceback(all_threads=True)`, and
`dump_traceback_later()` and `register(signal)`, which call it from a watchdog thread or a signal handler, write
every thread's frames from C, so that it works while Python is deadlocked. CPython's `dump_frame()`
(Python/traceback.c) writes each frame's current line: the line of the frame's last instruction
(`PyCode_Addr2Line(code, frame->f_lasti)` up to 3.10, `PyUnstable_InterpreterFrame_GetLine(frame)` in 3.12). PyPy's
dumper (pypy/module/faulthandler/dumper.py) walks the stack vmprof keeps, which records code objects and not where
in them a frame is, so it writes each code object's first line, `co_firstlineno` (the `def` line, line 1 for a
module), and its header says "approximate line numbers".

The case compares the dump with the frames Python itself reports: `sys._current_frames()` gives each thread's
frame, with its exact line, on both. It dumps only once the blocked thread's innermost frame is inside
`Event.wait()` (polled through those same frames), so the dump cannot catch the thread before that line.
"""
import faulthandler
import re
import sys
import tempfile
import threading
import time

release = threading.Event()

FRAME = re.compile(r'\s*File "(?P<file>.*)", line (?P<line>\d+) in (?P<name>\S+)')


def blocked():
    release.wait()


def frame_named(name, ident):
    frame = sys._current_frames()[ident]
    while frame is not None and frame.f_code.co_name != name:
        frame = frame.f_back
    return frame


def waiting_in_wait(ident):
    innermost = sys._current_frames().get(ident)
    return innermost is not None and innermost.f_code.co_name == "wait" and frame_named("blocked", ident) is not None


def dump_all_threads():
    """The dump, this function's first line, and the line of the dump_traceback() call."""
    with tempfile.TemporaryFile("w+") as out:
        faulthandler.dump_traceback(out, all_threads=True)
        line = sys._getframe().f_lineno - 1  # the line above, as Python itself numbers it
        out.seek(0)
        return out.read(), dump_all_threads.__code__.co_firstlineno, line


def shown_at(dumped, name, exact, first):
    lines = {int(m["line"]) for m in map(FRAME.match, dumped.splitlines()) if m and m["name"] == name}
    if lines == {exact}:
        return "the line it is executing"
    if lines == {first}:
        return "its function's first line"
    return f"another line ({sorted(lines)})"


if __name__ == "__main__":
    thread = threading.Thread(target=blocked)
    thread.start()
    deadline = time.monotonic() + 10
    while not waiting_in_wait(thread.ident) and time.monotonic() < deadline:
        time.sleep(0.001)
    frame = frame_named("blocked", thread.ident)
    dumped, first, line = dump_all_threads()
    print("threads in the dump:", sum(1 for row in dumped.splitlines() if "thread 0x" in row.lower()))
    print("header says the line numbers are approximate:", "approximate line numbers" in dumped)
    print("blocked thread's frame shown at:", shown_at(dumped, "blocked", frame.f_lineno, frame.f_code.co_firstlineno))
    print("dumping thread's frame shown at:", shown_at(dumped, "dump_all_threads", line, first))
    release.set()
    thread.join()
