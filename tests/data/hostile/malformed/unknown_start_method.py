# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
#
# [[expect.when]]
# start_method = ["spwan"]
# exit = 0
# ///
print("typo in a start method")
