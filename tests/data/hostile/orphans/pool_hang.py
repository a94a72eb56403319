# /// case
# claim = "A pool whose workers hang is ended with the cell, whatever ends the harness."
# source = "tests/data/hostile"
# ids = ["H9"]
# timeout = 60
# ///
import multiprocessing
import time


def block(_):
    time.sleep(3600)


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print("pool started", flush=True)
        pool.map(block, range(4))
