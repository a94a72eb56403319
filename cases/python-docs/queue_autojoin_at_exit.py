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
"""
# /// case
# claim = "Non-daemonic processes are joined automatically at exit, so a program whose child still has unread queued items hangs when it ends."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#all-start-methods"
# ids = ["D41"]
# timeout = 90
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# non-daemonic child: the program reached exit: True, still running 5 s later: True
# daemonic child: the program reached exit: True, ended: True
# """
# stderr = ""
# exit = 0
# ///
import os
import signal
import subprocess
import sys

PROGRAM = r'''
import atexit, multiprocessing, sys
from multiprocessing import Process, Queue

def f(q, put):
    q.put('X' * 1000000)
    put.set()

if __name__ == '__main__':
    multiprocessing.set_start_method(sys.argv[1])
    queue, put = Queue(), multiprocessing.Event()
    p = Process(target=f, args=(queue, put), daemon=sys.argv[2] == "daemon")
    p.start()
    put.wait()
    atexit.register(lambda: print("main block done", flush=True))
'''


def run(method, kind):
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"autojoin_{os.getpid()}.py")
    with open(path, "w") as f:
        f.write(PROGRAM)
    program = subprocess.Popen([sys.executable, path, method, kind], stdout=subprocess.PIPE,
                               universal_newlines=True, start_new_session=True)
    try:
        reached = program.stdout.readline().strip() == "main block done"
        try:
            program.wait(timeout=5)
            return reached, True
        except subprocess.TimeoutExpired:
            return reached, False
    finally:
        try:
            os.killpg(program.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
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
