# /// case
# claim = "A cell that stops its keeper (SIGSTOP) and exits 0 passes: its keeper is resumed and reports the exit."
# source = "tests/data/hostile"
# ids = ["H16"]
# timeout = 15
# platforms = ["linux", "darwin"]
#
# [expect]
# stdout = "stopped my keeper"
# ///
import os
import signal

os.kill(os.getppid(), signal.SIGSTOP)
print("stopped my keeper")
