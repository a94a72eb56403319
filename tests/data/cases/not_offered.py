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

sys.exit(78 if multiprocessing.get_start_method() == "spawn" else 77)
