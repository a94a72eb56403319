# /// case
# claim = "A cell that stops the keeper server (SIGSTOP) passes, and so do the cells after it: the server is resumed."
# source = "tests/data/hostile"
# ids = ["H15"]
# timeout = 20
# platforms = ["linux"]
#
# [expect]
# stdout = "stopped the keeper server"
# ///
# The keeper server is the parent of this cell's keeper, which is this process's parent. A stopped process still
# counts as alive, so a harness that only asks whether its server is alive would wait on it for ever.
import os
import signal

with open(f"/proc/{os.getppid()}/stat") as f:
    server = int(f.read().rsplit(")", 1)[1].split()[1])
os.kill(server, signal.SIGSTOP)
print("stopped the keeper server")
