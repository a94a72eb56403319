"""The fork server is not started when the program selects forkserver, only when the first child is needed.

The docs say the server process is started when the program starts and selects *forkserver*.  In the stdlib the
server is started by ``ForkServer.ensure_running()``, which ``popen_forkserver.Popen._launch`` calls, i.e. at the
first ``Process.start()`` (or pool/manager creation); ``set_start_method("forkserver")`` only records the choice
(``context.py``).  The case selects forkserver in a fresh interpreter (``python -c``, so that the selection is
the program's own), then lists the program's child processes running ``multiprocessing.forkserver`` (from
``/proc``) right after the selection and after the first ``start()``.  The observation is the same under every
cell's start method, since the inner program makes its own choice; the claim's "at selection" does not hold
(the behaviour the docs describe is reached at the first start).
"""
# /// case
# claim = "A program that selects the forkserver start method starts the fork server at that moment."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#multiprocessing-start-method-forkserver"
# ids = ["D15"]
# timeout = 30
# platforms = ["linux"]
#
# [expect]
# stdout = """
# fork servers right after set_start_method('forkserver'): 0
# fork servers after the first Process.start(): 1
# """
# stderr = ""
# exit = 0
# holds = false
# ///
import os
import subprocess
import sys

PROGRAM = r'''
import multiprocessing, os

def fork_servers():
    found = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        found += ppid == os.getpid() and b"multiprocessing.forkserver" in cmdline
    return found

def nothing():
    pass

if __name__ == "__main__":
    multiprocessing.set_start_method("forkserver")
    print(f"fork servers right after set_start_method('forkserver'): {fork_servers()}")
    p = multiprocessing.Process(target=nothing)
    p.start()
    p.join()
    print(f"fork servers after the first Process.start(): {fork_servers()}")
'''

if __name__ == "__main__":
    program = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"forkserver_lazy_{os.getpid()}.py")
    with open(program, "w") as f:
        f.write(PROGRAM)
    try:
        done = subprocess.run([sys.executable, program], stdout=subprocess.PIPE, universal_newlines=True, timeout=60)
    finally:
        os.unlink(program)
    sys.stdout.write(done.stdout)
    sys.exit(done.returncode)
