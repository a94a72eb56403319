# /// case
# claim = "A cell with a long timeout that never ends: Ctrl+C must not wait for it."
# source = "tests/data/hostile"
# ids = ["I5"]
# timeout = 120
#
# [expect]
# stdout = "stuck done"
# ///
import multiprocessing
import os
import time

if __name__ == "__main__":
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "release")):
        print("stuck done")
    else:
        worker = multiprocessing.Process(target=time.sleep, args=(3600,))
        worker.start()
        worker.join()
