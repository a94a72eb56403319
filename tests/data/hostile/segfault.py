# /// case
# claim = "A segmentation fault is a crash by SIGSEGV, not a failure to compare."
# source = "tests/data/hostile"
# ids = ["H4"]
# timeout = 10
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = "before"
# ///
import ctypes

print("before", flush=True)
ctypes.string_at(0)
print("after")
