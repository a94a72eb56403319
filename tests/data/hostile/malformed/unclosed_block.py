# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# timeout = 5
print("the block above is never closed")
