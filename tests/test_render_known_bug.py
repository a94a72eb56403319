"""A known upstream bug is its own verdict in every report: terminal, Markdown, HTML and JUnit (claims: test_render_claims)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_render_synthetic import known_bug_run, make_result

from harness.model import Status, Verdict
from harness.render import html, junit, markdown
from harness.render.terminal import render_terminal

REASON = "PyPy 3.9: ProcessPoolExecutor under spawn raises AttributeError (_adjust_process_count), pypy/pypy#1"


def test_the_verdict_of_a_cell() -> None:
    assert make_result(holds=True).verdict is Verdict.HOLDS
    assert make_result(holds=False).verdict is Verdict.REFUTED
    assert make_result(holds=True, known_bug="bpo-1").verdict is Verdict.KNOWN_BUG
    assert make_result(status=Status.RECORDED, holds=None).verdict is Verdict.NOT_JUDGED
    failing = make_result(status=Status.FAIL, holds=False, known_bug="bpo-1")
    assert failing.verdict is Verdict.UNSETTLED and failing.expected_verdict is Verdict.KNOWN_BUG


def test_terminal_marks_known_bugs_and_names_the_reason() -> None:
    text = render_terminal(known_bug_run())
    row = [line for line in text.splitlines() if line.startswith("pool_executor")][0]
    # pypy3.9 fork, spawn, forkserver; pypy3.11 spawn: the failing cell settles nothing, so it has no mark (the
    # section below still names it among the bug's cells)
    assert row.split()[-4:] == ["✓", "✓‡", "✓‡", "✗"]
    assert "‡ known bug there" in text
    assert f"pool_executor [pypy3.9 spawn, forkserver; pypy3.11 spawn] (1 of them did not behave as the bug's " \
           f"expectation says): {REASON}" in text


def test_markdown_marks_known_bugs_in_the_matrix_and_lists_them() -> None:
    text = markdown.render(known_bug_run())
    assert "| ✓‡ | ✓‡ |" in text and "‡ known bug there" in text
    section = text[text.index("## Known bugs"):]
    assert "- pool\\_executor · pypy3.9 spawn, forkserver; pypy3.11 spawn (1 of them did not behave" in section
    assert "pypy/pypy\\#1" in section


def test_html_cells_and_details_say_known_bug() -> None:
    page = html.render(known_bug_run())
    assert page.count('data-verdict="known-bug"') == 2 and page.count(" known-bug ") >= 3
    assert f">known bug ({REASON})</dd>" in page.replace("&#39;", "'")
    assert f">unsettled (its expectation: known bug ({REASON}))</dd>" in page.replace("&#39;", "'")  # it did not behave so


def test_junit_reports_a_known_bug_like_an_xfail_and_a_broken_one_as_a_failure() -> None:
    root = ET.fromstring(junit.render(known_bug_run()).encode("utf-8"))
    by_name = {c.get("name"): c for c in root.iter("testcase")}
    skipped = by_name["linux-pypy3.9-spawn"].find("skipped")
    assert skipped.get("type") == junit.KNOWN_BUG_TYPE and skipped.get("message") == f"known bug: {REASON}"
    assert by_name["linux-pypy3.9-fork"].find("skipped") is None
    failure = by_name["linux-pypy3.11-spawn"].find("failure")
    assert failure is not None and "declares a known bug" in failure.get("message")
    assert root.get("skipped") == "2" and root.get("failures") == "1"


def test_json_classes_carry_the_verdict() -> None:
    import json

    from harness.render import json as json_report

    data = json.loads(json_report.render(known_bug_run()))
    (case,) = data["cases"]
    verdicts = {c["representative"]["verdict"] for c in case["classes"]}
    assert verdicts == {"holds", "refuted", "known bug", "unsettled"}
    assert any(c["representative"]["known_bug"] == REASON for c in case["classes"])
