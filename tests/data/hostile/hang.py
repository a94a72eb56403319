# /// case
# claim = "A parent and its child that both block forever are ended at the timeout, tree and all."
# source = "tests/data/hostile"
# ids = ["H1"]
# timeout = 2
#
# [expect]
# stdout = "never"
# ///
import multiprocessing
import time


def block():
    time.sleep(3600)


if __name__ == "__main__":
    child = multiprocessing.Process(target=block)
    child.start()
    print("child", child.pid, flush=True)
    child.join()
