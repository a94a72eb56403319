# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# timeout = = 5
# ///
print("bad TOML")
