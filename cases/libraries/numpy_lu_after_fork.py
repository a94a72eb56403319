"""A process whose OpenBLAS thread pool is running forks a child; after the child has gone, the process's next LU
factorisation (``np.linalg.inv`` calls LAPACK ``dgetrf``) deadlocks.

OpenBLAS starts its thread pool when numpy is imported and registers ``pthread_atfork`` handlers
(``driver/others/memory.c``: ``openblas_fork_handler``) that shut the pool down before every ``fork()``
(``blas_thread_shutdown_``) and start it again lazily.  OpenBLAS 0.3.30 added a lock around the queueing of work
(``driver/others/blas_server.c``, PR #5170); ``dgetrf`` queues its work with ``exec_blas_async`` directly, which after
such a shutdown waited on that lock for ever (OpenBLAS #5520; fixed in 0.3.31 by PR #5556).  numpy 2.3.x wheels
bundle OpenBLAS 0.3.30, 1.26.x wheels 0.3.23, 2.4+ 0.3.31.

The worker is a process of the cell's start method; inside it, a child of the same start method is started and
joined, then ``inv`` of a 200x200 matrix runs (big enough for OpenBLAS to use its threads).  Only a child made by
``fork()`` runs the atfork handlers: spawn and forkserver children of the worker are made by ``posix_spawn`` /
``fork_exec`` or by the fork server, so they never touch the worker's pool.  The program waits for the worker's answer
for at most 60 s: a worker that is stuck is reported as such and terminated, never waited on for ever.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["numpy"]
# ///

# /// case
# claim = "After a process using numpy's OpenBLAS has forked a child, its next LU factorisation (np.linalg.inv, LAPACK dgetrf) deadlocks."
# source = "https://github.com/numpy/numpy/issues/30092"
# ids = ["L2"]
# timeout = 120
#
# [variants]
# numpy = ["1.26.*", "2.3.*", "2.*"]
# ///
import multiprocessing
import queue

import numpy as np


def nothing():
    pass


def worker(answers):
    a = np.eye(200) * 2.0
    answers.put(("before the child", float(np.linalg.inv(a)[0, 0])))
    child = multiprocessing.Process(target=nothing)
    child.start()
    child.join()
    answers.put(("after the child", float(np.linalg.inv(a)[0, 0])))


if __name__ == "__main__":
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(answers,))
    p.start()
    for step in ("before the child", "after the child"):
        try:
            label, value = answers.get(timeout=60)
            print(f"inv() {label}: {value}")
        except queue.Empty:
            print(f"inv() {step}: no answer within 60 s (the worker is stuck)")
            p.terminate()
            break
    p.join()
    print(f"worker exit code: {p.exitcode}")
