"""HTML report: one self-contained page, every string from a case shown as text, the grid and the differences."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, List, Optional, Tuple

from test_render_synthetic import demo_run, make_result, make_run

from harness.model import Status
from harness.render.html import render


class Elements(HTMLParser):
    """The start tags of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: List[Tuple[str, List[Tuple[str, Optional[str]]]]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append((tag, attrs))


def tags(page: str) -> List[Tuple[str, List[Tuple[str, Optional[str]]]]]:
    parser = Elements()
    parser.feed(page)
    return parser.tags


def test_case_output_renders_as_text() -> None:
    page = render(demo_run())
    found = tags(page)
    assert [t for t, _ in found].count("script") == 1  # only the page's own
    assert "<b>bold</b>" not in page  # stderr's markup stays text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;/table&gt;" in page
    assert "&lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "\x00" not in page and "\x1b" not in page and "\\x1b[31mred" in page


def test_hostile_names_and_messages_cannot_break_attributes() -> None:
    evil = '"><img src=x onerror=alert(1)>'
    run = make_run([make_result("case" + evil, status=Status.FAIL, holds=False, message=evil, claim=evil, exception=evil)])
    page = render(run)
    assert not any(t == "img" for t, _ in tags(page))
    assert all("onerror" not in (name or "") for _, attrs in tags(page) for name, _ in attrs)


def test_self_contained_no_network() -> None:
    page = render(demo_run())
    assert not re.search(r"""src=["']?(https?:)?//""", page)
    # the only addresses are the links to a case's source, which a reader follows and the page never loads
    hrefs = [dict(attrs)["href"] for t, attrs in tags(page) if "href" in dict(attrs)]
    assert {h for h in hrefs if not h.startswith("#")} == {"https://example.org/post#queues", "https://en.wikipedia.org/wiki/Fork_(system_call)"}
    assert all(t == "a" for t, attrs in tags(page) if "href" in dict(attrs))
    assert "@import" not in page and "url(http" not in page
    assert [t for t, _ in tags(page)].count("link") == 0


def test_grid_has_a_cell_per_result_with_status_classes_and_details() -> None:
    run = demo_run()
    page = render(run)
    cells = [dict(attrs) for t, attrs in tags(page) if t == "td" and "cell" in (dict(attrs).get("class") or "")]
    observed = [c for c in cells if "empty" not in (c.get("class") or "")]
    assert len(observed) == len(run.results)
    classes = " ".join(c["class"] for c in observed)
    for status in ("pass", "fail", "recorded", "unsupported", "skip", "timeout", "crash", "flaky", "error"):
        assert f"s-{status}" in classes
    assert classes.count("refuted") == sum(1 for r in run.results if r.holds is False)
    details = [dict(attrs)["id"] for t, attrs in tags(page) if t == "div" and dict(attrs).get("class") == "cell-detail"]
    links = [dict(attrs)["data-cell"] for t, attrs in tags(page) if t == "a" and "data-cell" in dict(attrs)]
    assert sorted(details) == sorted(links) and len(details) == len(run.results)


def test_headers_group_os_python_and_start_method() -> None:
    page = render(demo_run())
    assert re.search(r'<th class="pstart" colspan="9" title="darwin">macOS</th>', page)
    assert re.search(r'<th class="pstart" colspan="9" title="linux">Linux</th>', page)
    assert page.count('title="forkserver">V</th>') == 6  # the terminal's letters


def test_where_behaviour_differs_section() -> None:
    page = render(demo_run())
    section = page[page.index('id="differences"'):page.index('id="cells"')]
    assert "main_exit_workers</code>: differs by python, start_method; changed in 3.12 (start_method=spawn)" in section
    assert section.count('<article class="difference"') == 4
    assert '<span class="add">+  workers left: 2</span>' in section


def test_an_empty_run_renders() -> None:
    page = render(make_run([]))
    assert "Nowhere: every case behaved alike" in page


def test_sources_link_only_http_addresses() -> None:
    page = render(demo_run())
    links = [dict(attrs) for t, attrs in tags(page) if t == "a" and "source-link" in (dict(attrs).get("class") or "")]
    assert {a["href"] for a in links} == {"https://example.org/post#queues", "https://en.wikipedia.org/wiki/Fork_(system_call)"}
    assert all(a["rel"] == "noopener noreferrer" for a in links)
    assert "source: javascript:alert(1)" in page and 'href="javascript' not in page
    assert "<dt>source</dt><dd>seed §进程 › Process和Pool中使用队列</dd>" in page
