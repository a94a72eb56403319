"""A child forked after the parent ran a threaded matrix product runs its own product to the end: OpenBLAS's
thread pool survives fork.

OpenBLAS 0.2.8 and older hung here (OpenBLAS #294): the child inherited a thread pool whose threads did not exist
in it, and waited for them for ever.  PR #343 (0.2.9) registered ``pthread_atfork`` handlers
(``driver/others/memory.c``: ``openblas_fork_handler`` → ``blas_thread_shutdown_``) that stop the pool before every
``fork()`` and let the next BLAS call start a fresh one, in the parent and in the child.  Wheels of every numpy on
PyPI bundle a pthreads build of OpenBLAS (not OpenMP, whose libgomp has no such handler), so the claim concerns
numpy built against another BLAS.

The parent multiplies two 512x512 matrices (big enough for OpenBLAS to split the work over its threads), then starts
a child with the cell's start method that does the same.  It waits for the child's answer for at most 60 s: a child
that is stuck is reported as such and terminated, never waited on for ever.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["numpy"]
# ///

# /// case
# claim = "A child forked after the parent used numpy's multithreaded BLAS hangs in its own first matrix product."
# source = "https://github.com/OpenMathLib/OpenBLAS/issues/294"
# ids = ["L1"]
# timeout = 120
#
# [variants]
# numpy = ["1.26.*", "2.*"]
# ///
import multiprocessing
import queue

import numpy as np

N = 512


def product(answers):
    a = np.ones((N, N))
    answers.put(float((a @ a)[0, 0]))


if __name__ == "__main__":
    a = np.ones((N, N))
    print(f"parent's product: {(a @ a)[0, 0]}")
    answers = multiprocessing.Queue()
    child = multiprocessing.Process(target=product, args=(answers,))
    child.start()
    try:
        print(f"child's product: {answers.get(timeout=60)}")
    except queue.Empty:
        print("child's product: no answer within 60 s (the child is stuck)")
        child.terminate()
    child.join()
    print(f"child exit code: {child.exitcode}")
