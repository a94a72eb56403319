# /// case
# claim = "A case that never ends is ended at its timeout, with its stacks captured."
# source = "tests/data"
# ids = ["T7"]
# timeout = 2
#
# [expect]
# stdout = "never printed"
# ///
import time


def wait_for_godot():
    while True:
        time.sleep(0.05)


print("waiting", flush=True)
wait_for_godot()
