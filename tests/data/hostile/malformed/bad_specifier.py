# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
#
# [[expect.when]]
# python = "3.8+"
# exit = 0
# ///
print("not PEP 440")
