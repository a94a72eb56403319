"""Execute cells: the one module that starts processes (each cell in a fresh interpreter and its own session)."""

from __future__ import annotations

import subprocess
from typing import Sequence


def run_quick(argv: Sequence[str], timeout: float = 10.0) -> "subprocess.CompletedProcess[str]":
    """Run a short helper command (an interpreter probe), capturing text output; raises OSError or TimeoutExpired."""
    return subprocess.run(
        list(argv), stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=timeout
    )
