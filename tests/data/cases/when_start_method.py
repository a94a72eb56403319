# /// case
# claim = "The start method the harness sets is the one multiprocessing uses."
# source = "tests/data"
# ids = ["T5"]
# timeout = 10
#
# [expect]
# stdout = "fork"
#
# [[expect.when]]
# start_method = ["spawn", "forkserver"]
# stdout = "spawn"
#
# # A later matching table wins over an earlier one.
# [[expect.when]]
# start_method = ["forkserver"]
# stdout = "forkserver"
# ///
import multiprocessing

print(multiprocessing.get_start_method())
