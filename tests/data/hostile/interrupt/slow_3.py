# /// case
# claim = "A cell that takes a second, then notes that it ran in runs.log beside itself."
# source = "tests/data/hostile"
# ids = ["I3"]
# timeout = 20
#
# [expect]
# stdout = "slow 3 done"
# ///
import multiprocessing
import os
import time

time.sleep(1.0)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs.log"), "a") as log:
    log.write("slow_3 %s\n" % multiprocessing.get_start_method())
print("slow 3 done")
