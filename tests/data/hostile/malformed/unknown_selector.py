# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
#
# [[expect.when]]
# os = ["linux"]
# exit = 0
# ///
print("unknown selector")
