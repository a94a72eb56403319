# /// case
# claim = "Assignment expressions exist from Python 3.8 on."
# source = "tests/data"
# ids = ["T6"]
# timeout = 10
#
# [expect]
# stdout = "no walrus"
#
# [[expect.when]]
# python = ">=3.8"
# stdout = "walrus"
# ///
import sys

print("walrus" if sys.version_info >= (3, 8) else "no walrus")
