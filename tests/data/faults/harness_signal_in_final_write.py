"""`mpmatrix` with a fault injected: the final write of results.json, when it reaches fsync(), writes the file named
by MPMATRIX_TEST_WRITING and waits (up to 10 s) until a terminating signal has arrived, so that a test can signal
the harness while its results are being written, every time (a harness that does not hold signals there is given
a second instead)."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
from harness.cli import main  # noqa: E402

real_fsync = os.fsync


def fsync_awaiting_a_signal(fd):
    if ".results.json." in os.readlink(f"/proc/self/fd/{fd}"):
        open(os.environ["MPMATRIX_TEST_WRITING"], "w").close()
        held = getattr(signal.getsignal(signal.SIGINT), "__self__", None)  # results.HeldSignals, when signals wait
        if not hasattr(held, "arrived"):  # a harness that does not hold them: the signal lands in this second
            time.sleep(1.0)
            return real_fsync(fd)
        deadline = time.monotonic() + 10
        while not held.arrived and time.monotonic() < deadline:
            time.sleep(0.001)
    return real_fsync(fd)


os.fsync = fsync_awaiting_a_signal
raise SystemExit(main())
