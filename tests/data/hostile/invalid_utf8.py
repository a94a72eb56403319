# /// case
# claim = "Output that is not UTF-8 is kept with replacement characters and flagged."
# source = "tests/data/hostile"
# ids = ["H6"]
# timeout = 10
# ///
import sys

sys.stdout.buffer.write(b"caf\xe9 \xff\xfe end\n")
sys.stdout.buffer.flush()
sys.stderr.buffer.write(b"fine\n")
