"""The differences printed below the terminal matrix: golden output, and no escape sequence from a case gets through."""

from __future__ import annotations

from test_render_synthetic import check_golden, demo_run, grid, make_result, make_run

from harness.analysis import analyse
from harness.render.terminal import render_differences, render_terminal


def test_differences_golden() -> None:
    check_golden("terminal_differences.txt", render_differences(analyse(demo_run())) + "\n")


def test_no_difference_says_so() -> None:
    run = make_run(grid("c", lambda p, v, m: dict(stdout="same\n")))
    assert render_differences(analyse(run)) == "Behaviour is the same everywhere observed (1 case)."


def test_a_run_whose_cells_are_all_errors_says_nothing_was_observed() -> None:
    from harness.model import Status

    errors = grid("c", lambda p, v, m: dict(status=Status.ERROR, stdout="", exit=None, message="cases/c.py:3: bad"))
    assert render_differences(analyse(make_run(errors))) == "No behaviour was observed: every cell of the 1 case is error."
    fine = grid("d", lambda p, v, m: dict(stdout="same\n"))
    assert render_differences(analyse(make_run(errors + fine))) == (
        "Behaviour is the same everywhere observed (1 case; 1 more showed none, every cell error).")


def test_case_output_cannot_drive_the_terminal() -> None:
    run = make_run(grid("c", lambda p, v, m: dict(stdout="\x1b[2J\x1b]0;pwned\x07\n" if m == "fork" else "")))
    text = render_differences(analyse(run))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text


# -- terminal hygiene (issue 11) ---------------------------------------------------------------------------------

from harness.render.terminal import MAX_LINE_CELLS, cell_len, clip_line, escape_control, render_matrix, terminal_text  # noqa: E402

UNSAFE = ["\x1b", "\x07", "\x9b", "\r", "\u202e", "\u2066", "\u200f", "\udcff"]


def test_controls_bidi_controls_and_undecodable_bytes_are_shown_escaped():
    text = "a\x1b[31mb\u202ec\u2066d\udcffe\tf"
    assert escape_control(text) == "a\\x1b[31mb\\u202ec\\u2066d\\xffe\tf"
    assert escape_control(escape_control(text)) == escape_control(text)


def test_a_long_line_is_clipped_saying_how_much_was_left_out():
    line = "y" * 200_000
    clipped = clip_line(line)
    assert cell_len(clipped) < MAX_LINE_CELLS + 40 and clipped.endswith(f"… ({200_000 - MAX_LINE_CELLS:,} more characters)")
    assert terminal_text("short\n" + line).splitlines()[0] == "short"


def test_wide_characters_keep_the_matrix_aligned():
    run = make_run(grid("多进程队列", lambda p, v, m: dict(stdout="x\n")) + grid("queue", lambda p, v, m: dict(stdout="x\n")))
    rows = [line for line in render_matrix(list(run.results)).splitlines() if line.startswith(("多进程队列", "queue"))]
    first_symbol = [cell_len(row[: row.index("✓")]) for row in rows]
    assert len(rows) == 2 and first_symbol[0] == first_symbol[1]


def test_case_names_with_escape_sequences_cannot_drive_the_terminal_from_the_matrix():
    run = make_run(grid("evil\x1b[2J\u202e", lambda p, v, m: dict(stdout="x\n")))
    text = render_matrix(list(run.results))
    assert not any(char in text for char in UNSAFE) and "evil\\x1b[2J\\u202e" in text


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


def test_counts_of_one_are_singular() -> None:
    from harness.render.terminal import summary_line

    run = make_run(grid("c", lambda p, v, m: dict(stdout="same\n")))
    assert summary_line(list(run.results[:1]), 1.0).startswith("1 cell in 1.0 s: 1 ")
    assert summary_line(list(run.results[:2])).startswith("2 cells: ")


def test_a_failure_reason_s_stderr_tail_is_indented_under_it() -> None:
    from harness.model import Status
    from harness.render.terminal import render_failures

    run = make_run(grid("c", lambda p, v, m: dict(stdout="same\n")))
    failing = run.results[0].judged_again(status=Status.FAIL, message="exit: expected 0, got 1\nstderr:\n  Boom")
    assert render_failures([failing]).splitlines()[1:3] == ["    stderr:", "      Boom"]


def test_the_report_of_brief_results_is_the_report_of_whole_ones_for_ordinary_output():
    """A run keeps its results brief (Result.brief) and prints its report from them: for output within what a
    brief result keeps whole, every line is what it was when the run kept every result whole."""
    from dataclasses import replace

    run = demo_run()
    brief = replace(run, results=tuple(r.brief() for r in run.results))
    assert all(not r.cuts for r in brief.results)  # ordinary: nothing was cut
    assert render_terminal(brief, 12.5) == render_terminal(run, 12.5)


def test_a_long_output_the_run_kept_the_head_of_is_said_to_go_on_in_the_results_file():
    from dataclasses import replace

    from harness.model import Status

    long = "".join(f"line {n}\n" for n in range(5000))
    base = make_result("long", status=Status.FAIL, stdout=long, diff="stdout:\n" + "".join(f"-{n}\n" for n in range(5000)),
                       message="stdout: 5000 lines differ")
    other = make_result("long", start_method="spawn", stdout="short\n")
    text = render_terminal(make_run([base.brief(), other.brief()]))
    lines = text.splitlines()
    failure = next(index for index, line in enumerate(lines) if line.startswith("FAIL: long"))
    note = next(index for index, line in enumerate(lines) if "characters in all, in the results file)" in line)
    shown = note - failure - 1  # the diff lines a run kept, "stdout:" first
    assert lines[note] == f"    … ({5001 - shown} more lines, 28,898 characters in all, in the results file)"
    assert lines[note - 1] == f"    -{shown - 2}"  # right after the last of them
def test_skipped_cells_say_why_below_the_matrix() -> None:
    from harness.model import Status
    from harness.render.terminal import render_skips, render_terminal

    needs = "the case skipped itself (exit 77): needs the multiprocess package"
    skipped = grid("needs_a_package", lambda p, v, m: dict(status=Status.SKIP, stdout="", exit="77", message=needs))
    partly = grid("linux_only_on_3_13", lambda p, v, m: dict(status=Status.SKIP, stdout="", exit="77", message="no pidfd")
                  if v == "3.13" else dict(stdout="same\n"))
    run = make_run(skipped + partly)
    assert render_skips(list(run.results), run.layout).splitlines() == [
        "Skipped (12 cells):",
        "  linux_only_on_3_13 [3.13 fork, spawn, forkserver]: no pidfd",
        f"  needs_a_package [every cell]: {needs}",
    ]
    assert "needs_a_package [every cell]" in render_terminal(run)
    assert render_skips(list(make_run(grid("c", lambda p, v, m: dict(stdout="same\n"))).results)) == ""
