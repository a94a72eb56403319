"""A new axis is one change: cells that differ on an axis no code names (a package version as a variant, a platform
flavour nobody wrote a word about) are told apart, named and ordered by every renderer, the analysis, the verdicts,
merging and the results file, from the cell identity alone."""

from __future__ import annotations

import json
from typing import List

from test_render_synthetic import make_result, make_run

from harness import results as results_io
from harness.analysis import analyse
from harness.model import Layout, Result, Run
from harness.render import html, json as json_report, junit, markdown
from harness.render.terminal import render_terminal
from harness.verdicts import summarize


def cells() -> List[Result]:
    """One case on CPython 3.12 under fork and spawn, with the made-up package `frobnicate` at two versions (the
    claim is refuted with 10.2), and the same on a made-up flavour of Linux, where 10.2 behaves as 9.0."""
    out = []
    for flavour in ("", "qemu9.1"):
        for version in ("9.0", "10.2"):
            for method in ("fork", "spawn"):
                new = version == "10.2" and not flavour
                out.append(make_result("c", "linux", "3.12", method, stdout="new\n" if new else "old\n",
                                       holds=not new, variant={"frobnicate": version}, flavour=flavour))
    return out


def test_the_identity_tells_the_cells_apart_and_orders_them_by_value_not_text() -> None:
    run = make_run(cells())
    layout = run.layout
    assert len(layout.cells) == 8 and len({r.key for r in run.results}) == 8
    assert [a.name for a in layout.axes][-1] == "frobnicate"
    tags = [layout.tag(c) for c in layout.interpreters()]
    assert tags == ["3.12[frobnicate=9.0]", "3.12[frobnicate=10.2]"] * 2  # 9.0 before 10.2: numbers, not text
    assert [c.platform_tag for c in layout.interpreters()] == ["linux", "linux", "linux-qemu9.1", "linux-qemu9.1"]


def test_the_analysis_and_the_verdict_name_the_new_axis() -> None:
    (analysis,) = analyse(make_run(cells()))
    assert set(analysis.differs_by) == {"frobnicate", "platform"}, analysis.differs_by
    verdict = summarize(cells()).text()
    assert "refuted on Linux frobnicate 10.2;" in verdict and "holds on Linux frobnicate 9.0, Linux under qemu 9.1" in verdict


def test_every_format_shows_each_value_on_its_own() -> None:
    run = make_run(cells())
    terminal = render_terminal(run)
    assert "frobnicate=9.0" in terminal and "frobnicate=10.2" in terminal and "qemu9.1" in terminal
    text = markdown.render_markdown(run)
    assert "Linux under qemu 9.1<br>CPython 3.12 frobnicate=10.2<br>S" in text and "frobnicate 10.2 (2 cells)" in text
    page = html.render(run)
    assert "frobnicate=10.2" in page and "Linux under qemu 9.1" in page
    data = json.loads(json_report.render(run))
    assert {json.dumps(c["variant"], sort_keys=True) for c in data["cells"]} == {
        '{"frobnicate": "10.2"}', '{"frobnicate": "9.0"}'}
    xml = junit.render(run)
    assert xml.count("frobnicate=10.2") >= 2 and "qemu9.1" in xml


def test_the_results_file_keeps_the_axis_and_merging_keeps_the_cells_apart(tmp_path) -> None:
    first, second = cells()[:4], cells()[4:]
    paths = []
    for index, part in enumerate((first, second)):
        path = tmp_path / f"r{index}.json"
        results_io.write_run(make_run(part), path)
        paths.append(str(path))
    merged = results_io.merge(results_io.load_runs(paths))
    assert {r.key for r in merged.results} == {r.key for r in cells()} and len(merged.results) == 8
    assert {r.status.label for r in merged.results} == {"pass"}  # no false `flaky` from cells that only look alike
    assert isinstance(merged, Run) and Layout.of(merged.results).axes[-1].name == "frobnicate"
