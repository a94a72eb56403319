"""A fork child whose parent already ran one of PyTorch's parallel CPU operations hangs in its own first parallel
operation; spawn and forkserver children run it.

PyTorch's CPU wheels (``torch.__config__.parallel_info()``: "OpenMP 201511", ``torch/lib/libgomp.so.1``) split
operations over an OpenMP team.  GNU libgomp starts the team's threads at the first parallel region and keeps them
for the next ones; it has no at-fork handler, so a fork child inherits a team whose threads do not exist in it and
waits for them at its first parallel region (GCC bug 60035, cited by OpenBLAS PR #343: "When built with OpenMP and
GCC/libgomp, the freeze will still happen and can only be fixed in the libgomp library itself"; galpy PR #1256:
"the child inherits pool state it cannot use and wedges on its first parallel region").  With ``OMP_NUM_THREADS=1``
the parent never starts a team, and the child has nothing to wait for.

The parent sums ``sin`` over 4M floats (far above ``at::internal::GRAIN_SIZE``, so the work is split over the
threads), then starts a child of the cell's start method that does the same and reports its thread count.  The wait
for the child is bounded (60 s): a stuck child is reported and terminated.
"""
# /// script
# requires-python = "==3.11.*"
# dependencies = ["torch==2.13.0+cpu", "numpy"]
# ///

# /// case
# claim = "A forked child hangs in its first parallel PyTorch CPU operation if the parent already ran one."
# source = "https://github.com/jobovy/galpy/pull/1256"
# ids = ["L15"]
# timeout = 120
#
# [flags]
# OMP_NUM_THREADS = ["1", "2"]
# ///
import multiprocessing
import queue

import torch


def work():
    return round(float(torch.ones(4_000_000).sin().sum()))


def child(answers):
    answers.put((work(), torch.get_num_threads()))


if __name__ == "__main__":
    print(f"parent's parallel sum: {work()}; parent's threads: {torch.get_num_threads()}")
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(answers,))
    p.start()
    try:
        total, threads = answers.get(timeout=60)
        print(f"child's parallel sum: {total}; child's threads: {threads}")
    except queue.Empty:
        print("child's parallel sum: no answer within 60 s (the child is stuck)")
        p.terminate()
    p.join()
    print(f"child exit code: {p.exitcode}")
