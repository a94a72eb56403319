# /// case
# claim = "A grandchild that outlives the main process is a leak, reported with its command line and then ended."
# source = "tests/data/hostile"
# ids = ["H3"]
# timeout = 10
#
# [expect]
# stdout = "grandchild [..]"
# ///
import subprocess
import sys

# Popen without wait(): the grandchild is still sleeping when this process exits.
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)  # mpmatrix-leaked-grandchild"])
print("grandchild", child.pid, flush=True)
