"""A case's `source` as a link: only http and https addresses are linked, everything else stays plain text."""

from __future__ import annotations

import re
import urllib.parse
from typing import Optional

_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)
# Characters a Markdown link destination or a table cell would read as syntax are written as %XX.
_MARKDOWN_SAFE = ":/?#@!$&*+,;=%~-._"


def http_url(source: str) -> Optional[str]:
    """The source when it is one http(s) address with a host (and nothing but the address), else None:
    `javascript:`, `file:`, relative paths and prose such as `seed §进程` are never links."""
    text = source.strip()
    if not _URL.match(text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        hostname = parts.hostname
    except ValueError:  # "http://[x": not an address (an unclosed IPv6 bracket, a bad port), so plain text
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    return text


def markdown_url(url: str) -> str:
    """A link destination no character of the address can end early or turn into a table cell."""
    return urllib.parse.quote(url, safe=_MARKDOWN_SAFE)
