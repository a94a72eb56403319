# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
#
# [expect]
# stdout = '''
# fine
# value=(\d+ (re)
# '''
# ///
print("fine")
print("value=1")
