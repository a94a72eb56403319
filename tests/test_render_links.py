"""A case's source becomes a link only when it is an http(s) address; nothing in it can break the page or the table."""

from __future__ import annotations

from harness.render.links import http_url, markdown_url


def test_only_http_and_https_addresses_are_links() -> None:
    assert http_url("https://docs.python.org/3/library/multiprocessing.html#contexts") is not None
    assert http_url(" http://example.org/a ") == "http://example.org/a"
    for text in ("javascript:alert(1)", "file:///etc/passwd", "seed §进程", "//example.org/x", "https://",
                 "see https://example.org", "https://example.org/a b", 'https://x.org/"onmouseover=alert(1)'):
        assert http_url(text) is None, text


def test_markdown_destinations_cannot_end_early_or_split_a_table_cell() -> None:
    url = markdown_url("https://en.wikipedia.org/wiki/Fork_(system_call)|x<y>")
    assert "(" not in url and ")" not in url and "|" not in url and "<" not in url
    assert url.startswith("https://en.wikipedia.org/wiki/Fork_%28system_call%29")
