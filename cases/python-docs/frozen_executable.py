"""A frozen program (``sys.frozen``) starts spawn children with a command line that only its own binary can
run; fork needs no command line at all.

There is no PyInstaller or cx_Freeze build on this machine, so the case is a stand-in, not a frozen executable:
it sets ``sys.frozen = True`` as freezers do and looks at what multiprocessing then does.

* spawn: ``spawn.get_command_line()`` returns ``[sys.executable, '--multiprocessing-fork', 'pipe_handle=...']``
  for a frozen program instead of ``[python, ..., '-c', 'from multiprocessing.spawn import spawn_main; ...']``.
  That option is understood only by a frozen binary whose entry point calls ``freeze_support()`` first; an
  interpreter (here the real one stands in for the binary) rejects it and exits with 2 (run directly, with no
  pipe involved, so that the outcome does not depend on who is faster).
* fork: a child started with ``get_context("fork")`` runs ``f`` in the frozen program, since nothing is executed.
* forkserver is not modelled: its server is started as ``executable -c 'from multiprocessing.forkserver import
  main; ...'`` (``forkserver.py``), which a real interpreter runs even with ``sys.frozen`` set, while a frozen
  binary has no ``-c``.  That half of the claim is left to a CI job with a real frozen build.
"""
# /// case
# claim = "The spawn start method cannot be used by a frozen executable on POSIX without help, while fork works."
# source = "https://docs.python.org/3.15/library/multiprocessing.html#contexts-and-start-methods"
# ids = ["D23"]
# timeout = 30
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = """
# spawn command line of a frozen program: <python> --multiprocessing-fork [..]
# an interpreter given that command line exits with: 2
# a fork child of the frozen program printed: hello from the fork child
# """
# stderr = ""
# exit = 0
# ///
import multiprocessing
import subprocess
import sys
from multiprocessing import spawn


def hello(q):
    q.put("hello from the fork child")


if __name__ == "__main__":
    sys.frozen = True
    command = spawn.get_command_line(pipe_handle=0)
    shown = " ".join(["<python>" if part == sys.executable else part for part in command])
    print(f"spawn command line of a frozen program: {shown}")
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    print(f"an interpreter given that command line exits with: {done.returncode}")
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=hello, args=(q,))
    p.start()
    print(f"a fork child of the frozen program printed: {q.get(timeout=60)}")
    p.join()
