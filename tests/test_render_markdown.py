"""Markdown report: golden output, untrusted text made inert, and the 1 MiB limit of a GitHub job summary."""

from __future__ import annotations

import re

from test_render_synthetic import check_golden, demo_run, make_result, make_run

from harness.model import Status
from harness.render.markdown import LIMIT_BYTES, code_block, inline, render


def test_markdown_golden() -> None:
    check_golden("report.md", render(demo_run()))


def test_inline_escapes_table_syntax_html_and_code() -> None:
    text = inline("a|b `c` <script>x</script>\nnext *em* [link](u) \x1b[0m")
    assert "|" not in text.replace("\\|", "")
    assert "<" not in text and "\n" not in text and "\x1b" not in text
    assert "\\`c\\`" in text and "&lt;script&gt;" in text and "\\[link\\]" in text


def test_code_block_fence_outlasts_backticks_inside() -> None:
    block = code_block("before\n````\nafter")
    fence = block.splitlines()[0]
    assert fence == "`````"
    assert block.rstrip("\n").endswith(fence)
    assert block.count(fence) == 2


def test_hostile_case_output_stays_text() -> None:
    hostile = "| x | y |\n</details><script>alert(1)</script>\n```\n"
    run = make_run([make_result("bad|case", status=Status.FAIL, holds=False, stdout=hostile, exit="1",
                                message="</summary><img src=x onerror=alert(1)>", diff="stdout:\n-ok\n+" + hostile)])
    text = render(run)
    prose = outside_fences(text)  # inside a fence, Markdown shows everything as it is
    assert "<script>" not in prose and "<img" not in prose and "</summary><" not in prose
    assert "&lt;img src=x onerror=alert(1)&gt;" in prose
    table = [line for line in text.splitlines() if line.startswith("| bad")]
    assert table and re.sub(r"\\\|", "", table[0]).count("|") == text.splitlines()[text.splitlines().index(table[0]) - 2].count("|")


def outside_fences(text: str) -> str:
    kept, fence = [], ""
    for line in text.splitlines():
        marker = re.match(r"^(`{3,})", line)
        if fence:
            if marker and line.strip() == fence:
                fence = ""
        elif marker:
            fence = marker.group(1)
        else:
            kept.append(line)
    return "\n".join(kept)


def test_stays_under_one_mebibyte_with_five_thousand_big_cells() -> None:
    big = ("x" * 199 + "\n") * 60  # 12 kB of output per cell
    results = []
    for index in range(5000):
        case, method = f"case_{index // 15:03d}", ("fork", "spawn", "forkserver")[index % 3]
        python = ("3.10", "3.11", "3.12", "3.13", "3.13t")[(index // 3) % 5]
        failing = index % 2 == 0
        results.append(make_result(case, "linux", python, method, status=Status.FAIL if failing else Status.PASS,
                                   holds=not failing, stdout=big if failing else "ok\n", exit="1" if failing else "0",
                                   message="stdout differs", diff=("stdout:\n" + "-ok\n+" + big) if failing else ""))
    text = render(make_run(results))
    size = len(text.encode("utf-8"))
    assert size <= LIMIT_BYTES
    assert "not shown: a job summary must stay under 1 MiB" in text
    assert "## Matrix" in text and "## Where behaviour differs" in text
    assert text.count("| case\\_") == 334  # every case keeps its matrix row


def test_sources_are_shown_and_linked_only_when_http() -> None:
    from test_render_synthetic import demo_run

    from harness.render.markdown import render

    text = render(demo_run())
    sources = text[text.index("## Sources"):]
    assert "- [https://example.org/post\\#queues](https://example.org/post#queues): process\\_queue\\_argument, " \
           "process\\_queue\\_argument\\_no\\_join" in sources
    assert "(https://en.wikipedia.org/wiki/Fork_%28system_call%29)" in sources
    assert "- javascript:alert(1): hostile\\_output" in sources and "](javascript" not in text
    assert "Source: [https://en.wikipedia.org/wiki/Fork\\_(system\\_call)]" in text  # under its difference
