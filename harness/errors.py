"""What every layer may raise or return to the user: exit codes and the usage error (a message, exit 2, no traceback)."""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad command line or input: a message and exit 2, never a traceback."""


def shown(value: object, limit: int = 80) -> str:
    """A value's repr for a message about it, its middle left out when long (the file and line the message names
    hold it whole): `'>=3.99999…9999' (5,004 characters)`."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)  # a string's own length, else its repr's
    return f"{text[:limit // 2]}…{text[-limit // 4:]} ({size:,} characters)"
