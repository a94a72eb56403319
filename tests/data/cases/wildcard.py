# /// case
# claim = "[..] matches any text within a line and ... any number of lines."
# source = "tests/data"
# ids = ["T3"]
# timeout = 10
#
# [expect]
# stdout = """
# start at [..] o'clock
# ...
# the end
# """
# ///
import time

print("start at %s o'clock" % time.time())
for i in range(5):
    print("noise", i)
print("the end")
