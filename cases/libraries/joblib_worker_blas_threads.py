"""joblib's loky workers limit the BLAS thread pool of each worker to ``cpu_count() // n_jobs`` threads, to avoid
over-subscription; a multiprocessing Pool's workers keep OpenBLAS's default, one thread per core each.

joblib's docs ("Avoiding over-subscription of CPU resources"): "joblib tells the underlying libraries to use a
limited number of threads in workers managed by the loky backend".  loky starts each worker with the environment
variables ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``... set to that number
(``joblib/_parallel_backends.py``, ``LokyBackend.configure`` → ``_prepare_worker_env``; joblib PR #940);
OpenBLAS reads them when it loads.  A Pool worker gets the parent's environment, so its OpenBLAS starts one thread per CPU (under fork it
inherits the parent's already loaded library, with the same count).  threadpoolctl reads the live count
(``threadpoolctl.threadpool_info``).  The case uses 2 jobs; on a 1-CPU machine both counts are 1 and it says so.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["joblib", "numpy", "threadpoolctl"]
# ///

# /// case
# claim = "joblib's loky workers each get cpu_count() // n_jobs BLAS threads, while multiprocessing Pool workers each use as many BLAS threads as there are CPUs."
# source = "https://joblib.readthedocs.io/en/stable/parallel.html#avoiding-over-subscription-of-cpu-resources"
# ids = ["L14"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# the parent's BLAS threads == cpu_count(): True
# multiprocessing Pool workers' BLAS threads == cpu_count(): True
# loky workers' BLAS threads == cpu_count() // n_jobs: True
# """
# stderr = ""
#
# # PyPy 3.9 (7.3.11): the counts are CPython's, but its os module has no sched_getaffinity, so loky
# # (joblib/externals/loky/backend/context.py, _cpu_count_affinity) looks for psutil, which has no PyPy 3.9 wheel,
# # and warns once in the parent when Parallel asks for the CPU count (then uses os.cpu_count(), 2 here)
# [[expect.when]]
# implementation = ["pypy"]
# python = "<3.10"
# stderr = """
# <site-packages>/joblib/externals/loky/backend/context.py:[..]: UserWarning: Failed to inspect CPU affinity constraints on this system. Please install psutil or explictly set LOKY_MAX_CPU_COUNT.
#   warnings.warn(
# """
# ///
import multiprocessing
import os

import numpy  # noqa: F401 - loads OpenBLAS
from joblib import Parallel, delayed
from threadpoolctl import threadpool_info

JOBS = 2


def blas_threads(_):
    import numpy  # noqa: F401

    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


if __name__ == "__main__":
    cpus = os.cpu_count()
    if cpus < JOBS:
        print(f"only {cpus} CPU: nothing to limit")
        raise SystemExit(77)
    print(f"the parent's BLAS threads == cpu_count(): {blas_threads(0) == cpus}")
    with multiprocessing.Pool(JOBS) as pool:
        counts = pool.map(blas_threads, range(JOBS), chunksize=1)
    print(f"multiprocessing Pool workers' BLAS threads == cpu_count(): {set(counts) == {cpus}}")
    counts = Parallel(n_jobs=JOBS)(delayed(blas_threads)(i) for i in range(JOBS))
    print(f"loky workers' BLAS threads == cpu_count() // n_jobs: {set(counts) == {max(cpus // JOBS, 1)}}")
