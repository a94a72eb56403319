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
    observed = [c for c in cells if not {"empty", "na"} & set((c.get("class") or "").split())]
    assert len(observed) == len(run.results)
    classes = " ".join(c["class"] for c in observed)
    for status in ("pass", "fail", "recorded", "unsupported", "skip", "timeout", "crash", "flaky", "error"):
        assert f"s-{status}" in classes
    assert sum("refuted" in c["class"].split() for c in observed) == sum(1 for r in run.results if r.judged.holds is False)
    verdicts = [c["class"].split()[2] for c in observed]  # cell, s-<status>, v-<verdict>
    assert {v for v in verdicts} == {"v-holds", "v-refuted", "v-unsettled", "v-not-judged"}
    assert verdicts.count("v-refuted") == sum(1 for r in run.results if r.judged.holds is False and r.status.label == "pass")
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


def test_verdict_view_is_the_default_with_a_toggle_to_the_status_view() -> None:
    page = render(demo_run())
    body = [dict(attrs) for t, attrs in tags(page) if t == "body"][0]
    assert body["class"] == "view-verdict"
    buttons = {dict(attrs)["data-view"] for t, attrs in tags(page) if t == "button" and "data-view" in dict(attrs)}
    assert buttons == {"verdict", "status"}
    assert 'class="legend legend-verdict"' in page and 'class="legend legend-status"' in page
    # a failing cell whose expectation says "refuted" settles nothing: no † in the verdict view, † in the status view
    failing = page[page.index('class="cell s-fail v-unsettled refuted'):]
    assert '<span class="mk mk-verdict"></span><span class="mk mk-expected">†</span>' in failing[:600]


def test_claims_grouped_by_claims_file_with_verdict_lines() -> None:
    from test_render_claims import CLAIMS, DOCS
    from test_render_synthetic import known_bug_run

    from harness.claims import parse_claims

    run = make_run(list(demo_run().results) + list(known_bug_run().results))
    files = (parse_claims(CLAIMS, "claims/blog.md"), parse_claims(DOCS, "claims/python-docs.md"))
    page = render(run, claims=files)
    section = page[page.index('<section id="claims">'):page.index('<section id="differences">')]
    titles = re.findall(r"<h3>(.*?)(?: <span|</h3>)", section)
    assert titles == ["A blog post about processes", "The Python documentation: multiprocessing", "Claims in no claims file"]
    assert "A <code>ProcessPoolExecutor</code> runs its tasks." in section  # a claims file's `code`, and nothing else
    d7 = section[section.index('data-claim="D7"'):]
    assert '<span class="vw v-known-bug">known bug</span> on PyPy 3.9 (spawn, forkserver)' in d7
    assert "known bug: PyPy 3.9: ProcessPoolExecutor under spawn raises AttributeError" in d7
    assert "Output &lt;b&gt;is&lt;/b&gt; | untrusted." in section
    grid = page[page.index('id="grid"'):page.index("</table>")]
    groups = re.findall(r'<tr class="group"><th colspan="\d+" scope="colgroup"><span>(.*?)</span>', grid)
    assert groups == titles  # the grid's rows are grouped by source too
    assert grid.index('data-case="pool_executor"') > grid.index("The Python documentation")


def test_without_claims_files_the_rows_are_not_grouped() -> None:
    page = render(demo_run())
    assert '<tr class="group">' not in page
    assert "<h3>Claims</h3>" in page and "so the claim texts are the cases" in page
