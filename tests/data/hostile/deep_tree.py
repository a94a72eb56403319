# /// case
# claim = "A cell that leaves a 3,000-deep folder tree in its working folder keeps its observation; the tree is removed."
# source = "tests/data/hostile"
# ids = ["H13"]
# timeout = 30
#
# [expect]
# stdout = "made 3000 folders"
# ///
# Each folder is entered before the next is made, so no path this case uses grows with the depth; the whole path of
# the deepest one is about 6,000 characters, past PATH_MAX (4,096 on Linux).
import os

for _ in range(3000):
    os.mkdir("d")
    os.chdir("d")
print("made 3000 folders", flush=True)
