"""What every layer may raise or return to the user: exit codes and the usage error (a message, exit 2, no traceback)."""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad command line or input: a message and exit 2, never a traceback."""
