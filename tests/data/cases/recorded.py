# /// case
# claim = "A case without expectations is recorded, not judged."
# source = "tests/data"
# ids = ["T9"]
# timeout = 10
# ///
print("observed")
