"""The target matrix (matrix.toml): reading it, naming bad input, and what reports show for what no run observed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List

import pytest

from test_render_synthetic import make_result, make_run

from harness.model import Result, Status
from harness.render import html, json as json_report, markdown
from harness.render.terminal import render_terminal
from harness.target import (
    DEFAULT_TARGET,
    Target,
    TargetError,
    TargetPlatform,
    describe_columns,
    load_target,
    not_observed,
    target_for,
)

ROOT = Path(__file__).resolve().parents[1]
SMALL = Target((TargetPlatform("linux", ("3.12", "3.13t", "pypy3.11"), ("fork", "spawn")),
                TargetPlatform("win32", ("3.12", "pypy3.11"), ("spawn",))), "matrix.toml")


def verdict(results, target=None) -> str:
    """A claim's verdict line as the claims report writes it (in bold)."""
    from harness.verdicts import summarize

    return summarize(results, target).text(strong=True)


def cells() -> List[Result]:
    """linux 3.12 fork and spawn observed, and PyPy 3.11 under fork only."""
    return [
        make_result("c", "linux", "3.12", "fork", stdout="ok\n"),
        make_result("c", "linux", "3.12", "spawn", stdout="ok\n"),
        make_result("c", "linux", "3.11.13", "fork", implementation="pypy", implementation_version="8.0.1", stdout="ok\n"),
    ]


def test_the_projects_target_reads() -> None:
    target = load_target(str(ROOT / DEFAULT_TARGET))
    assert [p.platform for p in target.platforms] == ["linux", "darwin", "win32", "win32-wine8.0", "win32-wine10.0"]
    linux = target.platforms[0]
    assert "3.15t" in linux.pythons and "pypy3.10" in linux.pythons and linux.start_methods == ("fork", "spawn", "forkserver")
    assert target.platforms[2].start_methods == ("spawn",)
    assert target.platforms[3].pythons == ("3.8o", "3.9o", "3.10o", "3.11o", "3.12o", "3.13o")


def test_wine_columns_are_declared_apart_and_filled_by_wine_cells_only(tmp_path: Path) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text('[platform.win32]\npythons = ["3.12"]\nstart_methods = ["spawn"]\n\n'
                    '[platform."win32-wine8.0"]\npythons = ["3.12o"]\nstart_methods = ["spawn"]\n', encoding="utf-8")
    target = load_target(str(path))
    wine = [make_result("c", "win32", "3.12.9", "spawn", flavour="wine8.0", build="o")]
    assert not_observed(wine, target) == [("win32", "3.12", "spawn")]
    assert describe_columns(not_observed([], target), target) == "win32 (all of it); win32-wine8.0 (all of it)"
    path.write_text('[platform."win32-wine8.0"]\npythons = ["3.12o"]\nstart_methods = ["spwan"]\n', encoding="utf-8")
    with pytest.raises(TargetError, match=r"matrix.toml:3: unknown start method 'spwan' in \[platform.win32-wine8.0\]"):
        load_target(str(path))


def test_columns_and_what_was_not_observed() -> None:
    assert len(SMALL.columns()) == 3 * 2 + 2
    assert not_observed(cells(), SMALL) == [
        ("linux", "3.13t", "fork"), ("linux", "3.13t", "spawn"), ("linux", "pypy3.11", "spawn"),
        ("win32", "3.12", "spawn"), ("win32", "pypy3.11", "spawn"),
    ]
    assert describe_columns(not_observed(cells(), SMALL), SMALL) == "linux 3.13t, pypy3.11 spawn; win32 (all of it)"
    # a release fills its minor version's column; a cell under Wine never fills a Windows one
    releases = [make_result("c", "linux", "3.13.0", "fork", free_threaded=True),
                make_result("c", "win32", "3.12.9", "spawn", flavour="wine8.0")]
    assert ("linux", "3.13t", "fork") not in not_observed(releases, SMALL)
    assert ("win32", "3.12", "spawn") in not_observed(releases, SMALL)


@pytest.mark.parametrize("text, fragment", [
    ("[platform.linx]\npythons = ['3.12']\nstart_methods = ['fork']\n",
     "matrix.toml:1: unknown platform 'linx' (did you mean 'linux'?)"),
    ("[platform.linux]\npythons = ['3.12', 'PyPy3.10']\nstart_methods = ['fork']\n",
     "matrix.toml:2: bad interpreter 'PyPy3.10' in [platform.linux]; expected a column tag such as 3.12, 3.13t"),
    ("[platform.linux]\npythons = ['3.12', 'jython3.10']\nstart_methods = ['fork']\n", "matrix.toml:2: bad interpreter 'jython3.10'"),
    ("[platform.linux]\npythons = ['3.12']\nstart_methods = ['fork', 'spwan']\n",
     "matrix.toml:3: unknown start method 'spwan' in [platform.linux] (did you mean 'spawn'?)"),
    ("[platform.linux]\npython = ['3.12']\n", "matrix.toml:2: unknown key 'python' in [platform.linux] (did you mean 'pythons'?)"),
    ("[platform.linux]\npythons = []\nstart_methods = ['fork']\n", "matrix.toml:2: [platform.linux] needs pythons = a non-empty list"),
    ("[platforms.linux]\n", "matrix.toml: unknown key 'platforms' (did you mean 'platform'?)"),
    ("[platform.linux\n", "matrix.toml: invalid TOML"),
])
def test_bad_target_files_name_the_line_and_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, fragment: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("matrix.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TargetError) as raised:
        load_target("matrix.toml")
    assert str(raised.value).startswith(fragment), str(raised.value)


def test_target_for_reads_the_current_folder_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert target_for(None) is None
    Path(DEFAULT_TARGET).write_text("[platform.linux]\npythons = ['3.12']\nstart_methods = ['fork']\n", encoding="utf-8")
    assert target_for(None).columns() == [("linux", "3.12", "fork")]
    assert target_for("none") is None
    with pytest.raises(TargetError, match=r"^elsewhere\.toml: cannot read the target matrix"):
        target_for("elsewhere.toml")


# -- what the reports show


def test_markdown_has_columns_for_what_was_observed_and_one_line_for_the_rest_of_the_target() -> None:
    text = markdown.render(make_run(cells()), target=SMALL)
    head = next(line for line in text.splitlines() if line.startswith("| case |"))
    headers = [h.strip() for h in head.strip("|").split("|")][2:]
    assert headers == ["Linux<br>CPython 3.12<br>F\\*", "Linux<br>CPython 3.12<br>S", "Linux<br>PyPy 3.11<br>F\\*"]
    row = next(line for line in text.splitlines() if line.startswith("| c |"))
    assert [c.strip() for c in row.strip("|").split("|")][2:] == ["✓", "✓", "✓"]
    assert "? not observed" not in text  # no cell of an observed column is missing
    assert "Not observed (5 of the 8 columns of matrix.toml): linux 3.13t, pypy3.11 spawn; win32 (all of it)" in text


def test_html_has_columns_for_what_was_observed_and_names_the_rest_of_the_target() -> None:
    page = html.render(make_run(cells()), target=SMALL)
    assert page.count('data-observed="false"') == 0
    assert re.search(r'<th class="[a-z]+" colspan="1" title="PyPy 8\.0\.1 \(Python 3\.11\.13\)" data-tag="pypy3\.11">PyPy 3\.11</th>', page)
    assert 'data-tag="3.13t"' not in page
    assert 'id="not-observed"' in page and "win32 (all of it)" in page


def test_terminal_names_what_was_not_observed_below_the_matrix() -> None:
    text = render_terminal(make_run(cells()), target=SMALL)
    assert "Not observed (5 of the 8 columns of matrix.toml): linux 3.13t, pypy3.11 spawn; win32 (all of it)" in text
    matrix = text.splitlines()[:3]
    assert matrix[0].split() == ["3.12", "pypy3.11"]
    assert matrix[2].split() == ["c", "✓", "✓", "✓"]
    assert "Not observed" not in render_terminal(make_run(cells()))


def test_json_report_lists_the_target_and_what_it_lacks() -> None:
    data = json.loads(json_report.render(make_run(cells()), target=SMALL))
    assert data["target"]["path"] == "matrix.toml" and len(data["target"]["columns"]) == 8
    assert {"platform": "linux", "interpreter": "pypy3.11", "implementation": "pypy", "start_method": "spawn"} in data["not_observed"]
    assert len(data["not_observed"]) == 5


def test_claims_verdict_names_the_unobserved_part_of_the_target() -> None:
    judged = [make_result("c", "linux", "3.12", m, status=Status.PASS, holds=True) for m in ("fork", "spawn")]
    assert verdict(judged, SMALL) == ("**holds everywhere observed**; not observed: linux 3.13t, pypy3.11 and "
                                      "win32 (all of it)")
    assert verdict(judged) == "**holds everywhere observed**; not observed: darwin, win32"


def test_report_with_a_bad_target_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from harness import results as results_io
    from harness.cli import main

    results_io.write_run(make_run(cells()), tmp_path / "results.json")
    bad = tmp_path / "m.toml"
    bad.write_text("[platform.linux]\npythons = ['3.12']\nstart_methods = ['spwan']\n", encoding="utf-8")
    assert main(["report", str(tmp_path / "results.json"), "--target", str(bad)]) == 2
    assert f"mpmatrix: error: {bad}:3: unknown start method 'spwan'" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "results.json"), "--target", "none", "--format", "md"]) == 0
    assert "Not observed" not in capsys.readouterr().out


@pytest.mark.parametrize("text, line, message", [
    ("[platform.linux]\npythons = [\"3.12\"]\nstart_methods = " + "[" * 40 + "]" * 40 + "\n", 3, "nested more than 32 deep"),
    ("[platform.linux]\npythons = [\"3." + "1" * 5000 + "\"]\nstart_methods = [\"fork\"]\n", 2, "a run of 5,000 digits"),
    ("[platform.linux]\nx = " + "9" * 5000 + "\n", 2, "a run of 5,000 digits"),
])
def test_a_target_matrix_is_read_within_bounds_naming_the_line(tmp_path, text, line, message):
    """Before: a RecursionError or a ValueError (int() of more than 4,300 digits) traceback."""
    from harness.target import TargetError, load_target

    path = tmp_path / "matrix.toml"
    path.write_text(text)
    with pytest.raises(TargetError) as refused:
        load_target(str(path))
    assert str(refused.value).startswith(f"{path}:{line}: ") and message in str(refused.value)


def test_a_variant_cell_fills_its_interpreters_column() -> None:
    from harness.model import CellId
    from harness.target import column_of

    assert column_of(CellId("linux", "", "cpython", "3.12.1", "", "spawn", (("numpy", "2.1.3"),))) == ("linux", "3.12", "spawn")
