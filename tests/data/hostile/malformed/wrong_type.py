# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# timeout = "ten"
# ///
print("timeout is text")
