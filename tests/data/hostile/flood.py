# /// case
# claim = "A flood of output is capped: the excess is counted, not stored."
# source = "tests/data/hostile"
# ids = ["H5"]
# timeout = 30
# ///
import sys

chunk = b"x" * 1023 + b"\n"
out = sys.stdout.buffer
for _ in range(300 * 1024):  # 300 MiB
    out.write(chunk)
out.flush()
sys.stderr.write("flood done\n")
