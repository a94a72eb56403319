# /// case
# claim = "A cell that writes 4 MiB to its standard output: as much as the harness keeps of a stream by default."
# source = "tests/data/memory"
# ids = ["M1"]
# timeout = 60
#
# [expect]
# stdout = "..."
# ///
"""Writes 4 MiB (4,096 lines of 1 KiB, each numbered) to stdout: the fixture of the memory measurements
(benchmarks/memory.py, tests/test_hostile.py), whose cells must not make the harness grow with their number."""
import sys

out = sys.stdout.buffer
for number in range(4096):
    out.write(b"%06d " % number + b"x" * 1016 + b"\n")
out.flush()
