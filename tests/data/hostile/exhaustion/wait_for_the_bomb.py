# /// case
# claim = "A cell that waits until fork_to_the_limit.py holds every process; the cells after it start while it does."
# source = "tests/data/hostile"
# ids = ["H20"]
# timeout = 50
# platforms = ["linux"]
#
# [expect]
# stdout = "the bomb holds every process"
# ///
# With two cells at a time, the bomb (the largest timeout) and this case start first; the next cell starts when this
# one ends, which is once the bomb has written `full` (a bounded wait, not a sleep that hopes).
import os
import time

full = os.path.join(os.path.dirname(os.path.abspath(__file__)), "full")
deadline = time.monotonic() + 40
while not os.path.exists(full) and time.monotonic() < deadline:
    time.sleep(0.01)
print("the bomb holds every process" if os.path.exists(full) else "the bomb never filled the limit")
