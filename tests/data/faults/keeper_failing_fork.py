"""The keeper server with a fault injected: os.fork() fails with EAGAIN while the file named by
MPMATRIX_TEST_FORK_FAILS exists, as when another cell has taken every process the system allows (a root harness is
not bound by RLIMIT_NPROC, so tests make the failure here). MPMATRIX_TEST_ROOM_WAIT_S sets keeper.ROOM_WAIT_S."""

import errno
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
from harness import keeper  # noqa: E402

FLAG = os.environ["MPMATRIX_TEST_FORK_FAILS"]
real_fork = os.fork


def failing_fork():
    if os.path.exists(FLAG):
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    return real_fork()


os.fork = failing_fork
keeper.ROOM_WAIT_S = float(os.environ.get("MPMATRIX_TEST_ROOM_WAIT_S", keeper.ROOM_WAIT_S))
keeper.main()
