# /// case
# claim = "A cell that exits 78 is unsupported, and one that exits 77 skipped itself."
# source = "tests/data"
# ids = ["T8"]
# timeout = 10
#
# [expect]
# stdout = ""
# ///
import multiprocessing
import sys

if multiprocessing.get_start_method() != "spawn":
    sys.stderr.write("the reason: not applicable under this start method\n")  # the skip's message
sys.exit(78 if multiprocessing.get_start_method() == "spawn" else 77)
