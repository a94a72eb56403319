"""The default start method: fork on Linux up to 3.13, forkserver from 3.14; spawn on macOS from 3.8 and on Windows.

``multiprocessing.context`` picks the default context when the module is imported: up to 3.13 it is
``_default_context = DefaultContext(_concrete_contexts['fork'])`` on POSIX (``'spawn'`` on macOS from 3.8);
from 3.14 it is ``_concrete_contexts['forkserver']`` where ``reduction.HAVE_SEND_HANDLE`` holds (Linux and the
BSDs), ``'spawn'`` on macOS and Windows.  ``get_all_start_methods()`` lists the default first.  A
``ProcessPoolExecutor()`` without ``mp_context`` takes ``mp.get_context()``, the same default
(concurrent/futures/process.py), so its workers are ``ForkServerProcess`` objects from 3.14.

The harness sets a start method before the case runs, so the case runs itself again in a fresh interpreter
(``sys.executable -I CASE --probe``) that has set nothing, and prints what the probe saw.  The probe is a file,
not ``-c`` code, so that spawn and forkserver workers can import its ``process_kind`` function.  PyPy 3.11
follows CPython 3.11: fork.

Under Wine 8.0 the case skips itself (exit 77): Wine 8's pipes lose a zero-length message once ``poll()`` has seen
it, and ProcessPoolExecutor wakes its manager thread with such messages, so the executor hangs there now and then
(timeouts of this and the other executor cases; the stacks of the hung cells end in ``_ThreadWakeup.clear()`` ->
``recv_bytes()``), a result that says nothing about Windows.  ``empty_messages_lost()`` tests for the loss itself,
not for a Wine version; Wine 10.0 keeps the message and runs the case.
"""
# /// case
# claim = "The default start method on Linux is forkserver from Python 3.14 (fork before), for multiprocessing and for ProcessPoolExecutor without mp_context; on macOS it is spawn from 3.8; on Windows spawn."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D60", "D61", "D84"]
# timeout = 60
#
# [expect]
# stdout = """
# default start method: fork
# listed first by get_all_start_methods(): True
# ProcessPoolExecutor() workers: ForkProcess
# """
# stderr = ""
# exit = 0
#
# [[expect.when]]
# python = ">=3.14"
# stdout = """
# default start method: forkserver
# listed first by get_all_start_methods(): True
# ProcessPoolExecutor() workers: ForkServerProcess
# """
#
# # Not yet observed here: written from the CPython source (macOS default spawn from 3.8; Windows spawn only).
# [[expect.when]]
# platform = ["darwin"]
# python = ">=3.8"
# stdout = """
# default start method: spawn
# listed first by get_all_start_methods(): True
# ProcessPoolExecutor() workers: SpawnProcess
# """
#
# # Predicted, not observed on Windows (Wine 8.0 skips, see the docstring): spawn is the only method there.
# [[expect.when]]
# platform = ["win32"]
# stdout = """
# default start method: spawn
# listed first by get_all_start_methods(): True
# ProcessPoolExecutor() workers: SpawnProcess
# """
# ///
import multiprocessing
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor


def process_kind():
    """The class of the worker's Process object, from its name (ForkProcess-1 -> ForkProcess)."""
    return multiprocessing.current_process().name.rsplit("-", 1)[0]


def probe():
    method = multiprocessing.get_start_method()
    print(f"default start method: {method}")
    print(f"listed first by get_all_start_methods(): {multiprocessing.get_all_start_methods()[0] == method}")
    with ProcessPoolExecutor(max_workers=1) as executor:
        print(f"ProcessPoolExecutor() workers: {executor.submit(process_kind).result()}")


def empty_messages_lost():
    """True where a zero-length message is lost once poll() has seen it: on Wine 8.0's named pipes poll() is True,
    then recv_bytes() returns the message after it (or blocks until there is one).  ProcessPoolExecutor wakes its
    manager thread with such messages (``_ThreadWakeup.wakeup()`` sends ``b""``; ``clear()`` does ``while
    poll(): recv_bytes()``), so there it hangs now and then.  Windows, Wine 10.0 and POSIX pipes keep the message."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    writer.send_bytes(b"")
    reader.poll()  # as _ThreadWakeup.clear() does before it reads
    writer.send_bytes(b"x")
    return reader.recv_bytes() != b""


if __name__ == "__main__":
    if sys.platform == "win32" and empty_messages_lost():
        print("skipped: a zero-length pipe message is lost here once poll() has seen it (b'' sent, poll(), b'x' "
              "sent, b'x' received: Wine 8.0's pipes), and ProcessPoolExecutor's wakeup is such a message: a hang "
              "here would be Wine's, not the executor's", file=sys.stderr)
        sys.exit(77)
    if sys.argv[1:] == ["--probe"]:
        probe()
    else:
        done = subprocess.run([sys.executable, "-I", __file__, "--probe"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)
