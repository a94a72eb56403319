"""The differences printed below the terminal matrix: golden output, and no escape sequence from a case gets through."""

from __future__ import annotations

from test_render_synthetic import check_golden, demo_run, grid, make_run

from harness.analysis import analyse
from harness.render.terminal import render_differences


def test_differences_golden() -> None:
    check_golden("terminal_differences.txt", render_differences(analyse(demo_run())) + "\n")


def test_no_difference_says_so() -> None:
    run = make_run(grid("c", lambda p, v, m: dict(stdout="same\n")))
    assert render_differences(analyse(run)) == "Behaviour is the same everywhere observed (1 cases)."


def test_case_output_cannot_drive_the_terminal() -> None:
    run = make_run(grid("c", lambda p, v, m: dict(stdout="\x1b[2J\x1b]0;pwned\x07\n" if m == "fork" else "")))
    text = render_differences(analyse(run))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text


def test_cpython_and_pypy_of_one_version_are_two_columns() -> None:
    from harness.model import Status
    from harness.render.terminal import render_matrix
    from test_render_synthetic import make_result

    results = [make_result("c", "linux", "3.11.7", m, stdout="ok\n") for m in ("fork", "spawn")]
    results += [make_result("c", "linux", "3.11.13", m, implementation="pypy", status=Status.FAIL) for m in ("fork", "spawn")]
    lines = render_matrix(results).splitlines()
    assert lines[0].split() == ["3.11", "pypy3.11"]
    assert lines[2].split() == ["c", "✓", "✓", "✗", "✗"]
    # every group's label starts above its first cell
    assert lines[0].index("pypy3.11") == lines[2].index("✗")
