"""A program that never reads its child's large queued item hangs at exit: non-daemonic children are joined
automatically.

The docs' deadlock example without ``p.join()`` and without ``queue.get()``: the program just ends, once the
child has put its item (an Event; without it, under spawn and forkserver the program's exit handler unlinks the
queue's semaphores before the child has unpickled them, the child dies of ``FileNotFoundError`` and nothing hangs:
see cases/seed/process_queue_argument_no_join.py).  Its exit
handler ``multiprocessing.util._exit_function`` joins every non-daemonic child (``for p in active_children():
p.join()``), and the child cannot end while its 1,000,000-byte item is unread (see queue_join_deadlock).  The
program is run with ``python`` in a session of its own; it prints ``main block done`` from an ``atexit`` handler
that runs before multiprocessing's (handlers run last-registered first), which proves it reached interpreter exit.
The case then gives it 5 more seconds: it is still running, its child too.  The case kills the whole session.
With a daemonic child the same program ends at once (``_exit_function`` terminates daemonic children first), which
the case shows as a control.

On Windows the program runs in a job object of its own instead of a session (it waits for a line on its stdin
before it starts its child, so that the child is born in the job), and the case ends the job
(``TerminateJobObject``).  The mechanism is the same there: the child's feeder thread blocks writing the item
into the queue's named pipe, the child's exit joins that thread (``Queue._finalize_join``), and the program's
``_exit_function`` joins the child; a daemonic child is terminated (``TerminateProcess``) first.
"""
# /// case
# claim = "Non-daemonic processes are joined automatically at exit, so a program whose child still has unread queued items hangs when it ends."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D41"]
# timeout = 90
# platforms = ["linux", "darwin", "win32"]
#
# [expect]
# stdout = """
# non-daemonic child: the program reached exit: True, still running 5 s later: True
# daemonic child: the program reached exit: True, ended: True
# """
# stderr = ""
# exit = 0
#
# # Windows CPython 3.8.10-3.13.2 under Wine 8.0 and Wine 10.0 (spawn, 3 runs of each column): what [expect]
# # says.  Not yet observed on Windows itself.
# ///
import os
import signal
import subprocess
import sys
import tempfile

PROGRAM = r'''
import atexit, multiprocessing, sys
from multiprocessing import Process, Queue

def f(q, put):
    q.put('X' * 1000000)
    put.set()

if __name__ == '__main__':
    if sys.platform == 'win32':
        sys.stdin.readline()  # the case's go-ahead, once this program is in the case's job object
    multiprocessing.set_start_method(sys.argv[1])
    queue, put = Queue(), multiprocessing.Event()
    p = Process(target=f, args=(queue, put), daemon=sys.argv[2] == "daemon")
    p.start()
    put.wait()
    atexit.register(lambda: print("main block done", flush=True))
'''


class Session:
    """POSIX: the program in a session (and process group) of its own, which the case kills whole."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, universal_newlines=True, start_new_session=True)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Job:
    """Windows: the program in a job object of its own (every process it starts joins the job), which the case
    ends whole (TerminateJobObject).  The program waits for a line on its stdin before it starts its child, so
    that it is in the job before any child exists."""

    def __init__(self, argv):
        import ctypes
        from ctypes import wintypes
        self.kernel32 = kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
        kernel32.TerminateJobObject.argtypes = [wintypes.HANDLE, wintypes.UINT]
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True)
        self.job = kernel32.CreateJobObjectW(None, None)
        if not self.job or not kernel32.AssignProcessToJobObject(self.job, int(self.proc._handle)):
            error = ctypes.WinError(ctypes.get_last_error())
            self.proc.kill()
            raise error
        self.proc.stdin.write("go\n")
        self.proc.stdin.close()

    def kill(self):
        self.kernel32.TerminateJobObject(self.job, 1)
        self.kernel32.CloseHandle(self.job)


def run(method, kind):
    folder = tempfile.gettempdir() if sys.platform == "win32" else os.environ.get("TMPDIR", "/tmp")
    path = os.path.join(folder, f"autojoin_{os.getpid()}.py")
    with open(path, "w") as f:
        f.write(PROGRAM)
    group = (Job if sys.platform == "win32" else Session)([sys.executable, path, method, kind])
    program = group.proc
    try:
        reached = program.stdout.readline().strip() == "main block done"
        try:
            program.wait(timeout=5)
            return reached, True
        except subprocess.TimeoutExpired:
            return reached, False
    finally:
        group.kill()
        program.wait()
        program.stdout.close()
        os.unlink(path)


if __name__ == "__main__":
    import multiprocessing
    method = multiprocessing.get_start_method()
    reached, ended = run(method, "non-daemon")
    print(f"non-daemonic child: the program reached exit: {reached}, still running 5 s later: {not ended}")
    reached, ended = run(method, "daemon")
    print(f"daemonic child: the program reached exit: {reached}, ended: {ended}")
