"""After ``gevent.monkey.patch_all()``, a multiprocessing Queue still carries a message from a child to the parent?
gevent's docs say no: "Use of multiprocessing.Queue when thread has been monkey-patched will lead to a hang".

A Queue's ``put`` hands the object to a feeder thread (``multiprocessing/queues.py``, ``_start_thread``) that writes
it to a pipe.  With ``thread`` patched, that "thread" is a greenlet, which runs only when the process's own code
yields to gevent's hub; a child that puts and then exits flushes the queue in ``_finalize_join``, i.e. it waits for
the greenlet inside a blocking join.  Monkey-patching must come before anything else imports threading, which the
harness's start-up already did, so the program is written to a file and run by a fresh interpreter (``sys.executable``)
with the cell's start method, bounded by 60 s: a hang is reported, never waited on for ever.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["gevent"]
# ///

# /// case
# claim = "With gevent's thread module monkey-patched, a multiprocessing.Queue hangs: a message put by a child never reaches the parent."
# source = "https://www.gevent.org/api/gevent.monkey.html#gevent.monkey.patch_thread"
# ids = ["L12"]
# timeout = 120
# ///
import multiprocessing
import os
import subprocess
import sys
import tempfile

PROGRAM = """
from gevent import monkey
monkey.patch_all()
import multiprocessing
import queue
import sys


def child(q):
    q.put("hello from the child")


if __name__ == "__main__":
    # not set_start_method: after patch_all() it raised "context has already been set" on 3.14
    ctx = multiprocessing.get_context(sys.argv[1])
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    try:
        print("the parent got:", q.get(timeout=20), flush=True)
    except queue.Empty:
        print("the parent got: nothing within 20 s", flush=True)
    p.join(20)
    print("the child's exit code:", p.exitcode, flush=True)
"""

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        program = os.path.join(folder, "patched.py")  # a file, so that spawn children can import it
        with open(program, "w") as f:
            f.write(PROGRAM)
        try:
            run = subprocess.run([sys.executable, program, multiprocessing.get_start_method()],
                                 capture_output=True, text=True, timeout=60)
            print(run.stdout, end="")
            print(f"program exit code: {run.returncode}")
            if run.returncode != 0:
                print(f"program's last error line: {(run.stderr.strip().splitlines() or [''])[-1]}")
        except subprocess.TimeoutExpired as e:
            print((e.stdout or b"").decode(), end="")
            print("program: still running after 60 s (hung), killed")
