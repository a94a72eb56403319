"""Run one case file exactly as `python CASE` would, after choosing a start method (stdlib only, CPython >= 3.7).

Usage: python bootstrap.py START_METHOD DUMP DUMP_FILE CASE_PATH

START_METHOD is fork, spawn, forkserver or "default" (leave the interpreter's choice alone).  DUMP says when
faulthandler writes every thread's stack to DUMP_FILE, so that a cell which is about to time out leaves evidence of
where it hung: `signal:N` when signal N arrives (the harness sends it just before the deadline; POSIX), or a number
of seconds > 0 after which faulthandler's watchdog thread does it (Windows).  The signal is preferred: the watchdog
is a thread, and with it `os.fork()` warns on 3.12+ that the process is multi-threaded, which `python CASE` does
not.  Seconds written SECONDS@LAUNCHED (LAUNCHED a Unix time) count from the harness's launch of the cell rather
than from here, which a loaded machine (or Wine's start-up) can make seconds later.

The case's module becomes ``sys.modules["__main__"]`` for good, with ``__file__`` set and ``__spec__`` None, as
the interpreter does for a script, so that spawn and forkserver children re-import it as ``__mp_main__``.
``runpy.run_path`` is not used: it restores the previous ``__main__`` when an exception escapes, after which pool
workers can no longer unpickle the case's functions.
"""
import faulthandler
import multiprocessing
import os
import signal
import sys
import time
import types

# Exit codes the harness understands (documented in the README).
EXIT_UNSUPPORTED = 78  # the start method is not offered by this interpreter or OS
EXIT_SKIP = 77  # a case may exit with this to say "not applicable in this cell"

_THIS_FILE = os.path.abspath(__file__)


def _strip_bootstrap_frames(excepthook):
    """Wrap sys.excepthook so tracebacks start at the case, as they do under `python CASE`."""

    def hook(etype, value, tb):
        while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == _THIS_FILE:
            tb = tb.tb_next
        if isinstance(value, BaseException):
            value.__traceback__ = tb  # the default hook prints value.__traceback__ on newer versions
        excepthook(etype, value, tb)

    return hook


def _restore_terminal_signals():
    """Give the case the signal dispositions of a script started from a terminal.

    A harness started in the background by a non-interactive shell inherits SIGINT and SIGQUIT ignored, and an
    ignored disposition survives exec: the case would never see KeyboardInterrupt, a false observation."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGQUIT") and signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _watch_for_hangs(dump_after, dump):
    """Dump every thread's stack after dump_after seconds. faulthandler starts a thread for it, which the system may
    refuse when another cell has taken every process or thread there is: it is tried again for up to a second, then
    the case runs without it (a timeout would then lack its stacks; the file says why)."""
    pause, waited = 0.01, 0.0
    while True:
        try:
            faulthandler.dump_traceback_later(dump_after, exit=False, file=dump)
            return
        except RuntimeError as exc:  # "unable to start watchdog thread"
            if waited >= 1.0:
                dump.write("mpmatrix: no stacks: %s (the system's limit of threads was reached)\n" % exc)
                dump.flush()
                return
            time.sleep(pause)
            waited += pause
            pause = min(2 * pause, 0.25)


def _dump_delay(spec):
    """Seconds from now to the stack dump: DUMP_AFTER_S, or DUMP_AFTER_S@LAUNCHED less the time since LAUNCHED.

    Counted from here alone, the dump comes start-up's time late: a Windows CPython under Wine takes 0.3-0.5 s to
    get here on an idle machine and several seconds on a loaded one, more than the harness's lead of one second,
    so that the harness ended the cell before the dump and its stack file was empty. A clock that jumped never
    makes the dump later than DUMP_AFTER_S, and one already due is taken at once."""
    after, _, launched = spec.partition("@")
    delay = float(after)
    if launched and delay > 0:
        spent = time.time() - float(launched)
        delay = max(0.001, delay - min(max(spent, 0.0), delay))
    return delay


def main():
    method, dump, dump_file, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    _restore_terminal_signals()
    if method != "default":
        if method not in multiprocessing.get_all_start_methods():
            sys.stderr.write("mpmatrix: start method %r is not offered here\n" % method)
            sys.exit(EXIT_UNSUPPORTED)
        # Before the case's first line: a module-level Queue() would otherwise fix the default context.
        multiprocessing.set_start_method(method)
    if dump.startswith("signal:"):
        # the file stays open for the life of the process: faulthandler writes to its descriptor from the handler
        faulthandler.register(int(dump[len("signal:"):]), file=open(dump_file, "w"), all_threads=True)
    elif float(dump.partition("@")[0]) > 0:
        _watch_for_hangs(_dump_delay(dump), open(dump_file, "w"))

    path = os.path.abspath(path)
    sys.excepthook = _strip_bootstrap_frames(sys.excepthook)  # before compile: a SyntaxError is the case's too
    with open(path, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)

    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__spec__ = None
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    sys.argv[:] = [path]
    sys.path[0] = os.path.dirname(path)
    exec(code, module.__dict__)


if __name__ == "__main__":
    main()
