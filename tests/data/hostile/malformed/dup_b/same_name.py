# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# ///
print("dup_b")
