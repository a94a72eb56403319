"""Under forkserver every child is forked by a single-threaded server process, not by the program.

The case uses ``get_context("forkserver")`` whatever the cell's start method, so every cell checks the same
thing.  The program runs two extra threads (blocked on an Event) to show that the server's thread count does not
follow the program's.  The child sends back ``os.getppid()``; the parent reads that process's command line and
thread count from ``/proc``: it is the interpreter started by ``ForkServer.ensure_running()``
(``-c 'from multiprocessing.forkserver import main; main(...)'``), with one thread, and it is a child of the
program, not the program itself.
"""
# /// case
# claim = "Under forkserver a server process forks each new child at the program's request; the server is single-threaded even when the program runs threads."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-start-method-forkserver"
# ids = ["D10", "D11"]
# timeout = 30
# platforms = ["linux"]
#
# [expect]
# stdout = """
# threads in the program: 3
# the child's parent is the program: False
# the child's parent runs multiprocessing.forkserver.main: True
# the child's parent is a child of the program: True
# threads in the fork server: 1
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import os
import threading


def send_ppid(q):
    q.put(os.getppid())


def proc_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        return next(line.split()[1] for line in f if line.startswith(name + ":"))


if __name__ == "__main__":
    stop = threading.Event()
    threads = [threading.Thread(target=stop.wait) for _ in range(2)]
    for t in threads:
        t.start()
    print(f"threads in the program: {threading.active_count()}")
    ctx = multiprocessing.get_context("forkserver")
    q = ctx.Queue()
    p = ctx.Process(target=send_ppid, args=(q,))
    p.start()
    ppid = q.get(timeout=60)
    p.join()
    with open(f"/proc/{ppid}/cmdline", "rb") as f:
        cmdline = f.read().replace(b"\0", b" ").decode()
    print(f"the child's parent is the program: {ppid == os.getpid()}")
    print(f"the child's parent runs multiprocessing.forkserver.main: {'multiprocessing.forkserver import main' in cmdline}")
    print(f"the child's parent is a child of the program: {int(proc_field(ppid, 'PPid')) == os.getpid()}")
    print(f"threads in the fork server: {proc_field(ppid, 'Threads')}")
    stop.set()
    for t in threads:
        t.join()
