# /// case
# claim = "A case whose path has spaces and non-ASCII characters runs like any other."
# source = "tests/data"
# ids = ["T10"]
# timeout = 10
#
# [expect]
# stdout = "grüße aus <case>"
# ///
import os

print("grüße aus", os.path.dirname(os.path.abspath(__file__)))
