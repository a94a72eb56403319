# /// case
# claim = "Printing a line shows it on stdout."
# source = "tests/data"
# ids = ["T1"]
# timeout = 10
#
# [expect]
# stdout = "hello"
# stderr = ""
# ///
print("hello")
