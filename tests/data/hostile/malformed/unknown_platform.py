# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# platforms = ["linux", "macos"]
# ///
print("unknown platform")
