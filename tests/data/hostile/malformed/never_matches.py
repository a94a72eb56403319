# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
#
# [expect]
# stdout = """
# <object at 0x7f3a55aa10>
# """
# ///
print(object())
