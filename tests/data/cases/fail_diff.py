# /// case
# claim = "This case expects output the code does not print, so it fails with a diff."
# source = "tests/data"
# ids = ["T2"]
# timeout = 10
#
# [expect]
# stdout = """
# one
# two
# three
# """
# ///
print("one")
print("TWO")
print("three")
