"""bless: observed behaviour written back as one [expect] and the narrowest [[expect.when]] tables."""

from __future__ import annotations

import json
import subprocess
import multiprocessing
import sys
from pathlib import Path
from typing import Any, List

import pytest

from conftest import flat_replace, flat_result
from harness.bless import BlessError, blessed_text, check_blessed, selectors_for
from harness.casefile import parse_case
from harness.model import Leftover, Result, Status

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ["3.7.16", "3.8.18", "3.12.1", "3.13.0"]
METHODS = ["fork", "spawn", "forkserver"]


def cell(python: str, method: str, stdout: str, exit: str = "0", platform: str = "linux", **kw: Any) -> Result:
    values = dict(
        case="c", case_path="cases/c.py", ids=("S1",), claim="claim", python=python, implementation="cpython",
        free_threaded=False, platform=platform, machine="x86_64", start_method=method, default_start_method="fork",
        status=Status.RECORDED, holds=None, exit=exit, exception="", stdout=stdout, stderr="", stdout_raw=stdout,
        stderr_raw="", duration_s=0.1,
    )
    values.update(kw)
    return flat_result(**values)


def case_text(block: str = "") -> str:
    return ('# /// case\n# claim = "claim"\n# source = "seed §x"\n# ids = ["S1"]\n'
            + "".join(("# " + line if line else "#") + "\n" for line in block.splitlines()) + "# ///\nprint('x')\n")


def bless(text: str, results: list) -> str:
    new = blessed_text(text, parse_case(text, "cases/c.py"), results)
    check_blessed(new, "cases/c.py", results)
    return new


def test_the_common_behaviour_goes_to_expect_and_a_start_method_difference_to_one_when_table() -> None:
    results = [cell(v, m, "fork\n" if m == "fork" else "other\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(), results)
    assert '# [expect]\n# exit = 0\n# stdout = """\n# other\n# """' in new
    assert '# [[expect.when]]\n# start_method = ["fork"]\n# stdout = """\n# fork\n# """' in new
    assert new.count("[[expect.when]]") == 1


def test_a_version_boundary_becomes_one_specifier() -> None:
    results = [cell(v, m, "old\n" if v.startswith("3.7") else "new\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(), results)
    assert '# [[expect.when]]\n# python = "<3.8"\n# stdout = """\n# old\n# """' in new


def test_selectors_use_the_fewest_tables() -> None:
    members = [cell(v, "spawn", "x") for v in ("3.12.1", "3.13.0")]
    others = [cell(v, m, "y") for v in VERSIONS for m in METHODS if not (m == "spawn" and v in ("3.12.1", "3.13.0"))]
    assert selectors_for(members, others) == [{"start_method": ["spawn"], "python": ">=3.12"}]


def test_hand_written_patterns_that_still_match_and_holds_are_kept() -> None:
    block = '\n[expect]\nstdout = """\nI am [..]\n"""\nholds = false\n'
    results = [cell(v, m, f"I am {m}-{v}\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(block), results)
    assert "# I am [..]" in new and "# holds = false" in new
    assert "I am fork-3.7.16" not in new


def test_tables_for_platforms_not_observed_and_comments_are_kept_word_for_word() -> None:
    block = ('\n[expect]\nstdout = "x"\n\n# not yet observed here: from the CPython source\n[[expect.when]]\n'
             'platform = ["win32"]\nstdout = "windows"\n')
    new = bless(case_text(block), [cell(v, m, "x\n") for v in VERSIONS for m in METHODS])
    assert '# # not yet observed here: from the CPython source\n# [[expect.when]]\n# platform = ["win32"]\n# stdout = "windows"' in new


def test_output_that_looks_like_pattern_syntax_is_written_so_it_matches_only_itself() -> None:
    results = [cell(v, m, "...\n[..] (re)\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(), results)
    case = parse_case(new, "cases/c.py")
    assert case.expect.stdout.match("...\n[..] (re)\n") is None
    assert case.expect.stdout.match("anything\nelse\n") is not None


def test_blessing_twice_changes_nothing() -> None:
    results = [cell(v, m, "fork\n" if m == "fork" else "other\n", exit="1" if v == "3.7.16" else "0")
               for v in VERSIONS for m in METHODS]
    once = bless(case_text(), results)
    assert bless(once, results) == once


def test_cells_that_cannot_be_blessed_are_refused() -> None:
    with pytest.raises(BlessError, match="no cell can be blessed"):
        bless(case_text(), [cell("3.12.1", "fork", "", status=Status.TIMEOUT)])


@pytest.mark.e2e
def test_bless_runs_the_cells_and_writes_a_case_that_then_passes(tmp_path: Path) -> None:
    case = tmp_path / "fresh.py"
    case.write_text(case_text().replace("print('x')", "import multiprocessing as mp\nprint(mp.get_start_method())"),
                    encoding="utf-8")
    run = [sys.executable, "-m", "harness"]
    blessed = subprocess.run(run + ["bless", str(case), "--python", "current", "--yes"], capture_output=True, text=True,
                             timeout=120, cwd=str(ROOT))
    assert blessed.returncode == 0, blessed.stderr
    offered = len(multiprocessing.get_all_start_methods())  # 3 on Linux, spawn alone on Windows
    assert f"blessed from {offered} cell" in blessed.stdout
    checked = subprocess.run(run + ["run", str(case), "--python", "current", "--out", str(tmp_path / "out"), "-q"],
                             capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert checked.returncode == 0 and f"{offered} pass" in checked.stdout, checked.stdout + checked.stderr
    again = subprocess.run(run + ["bless", str(case), "--python", "current"], capture_output=True, text=True,
                           timeout=120, cwd=str(ROOT), stdin=subprocess.DEVNULL)
    assert "already match" in again.stdout


# -- implementations, refusals, leaks, the author's key order -----------------------------------------------------


IMPLEMENTATIONS = [("cpython", v) for v in ("3.9.18", "3.11.7", "3.12.1")] + [("pypy", v) for v in ("3.9.18", "3.11.13")]


def matrix(stdout_of: Any, **kw: Any) -> list:
    return [cell(v, m, stdout_of(i, v, m), implementation=i, **kw) for i, v in IMPLEMENTATIONS for m in METHODS]


def test_a_pypy_only_difference_is_written_as_an_implementation_selector() -> None:
    new = bless(case_text(), matrix(lambda i, v, m: "pypy\n" if i == "pypy" else "cpython\n"))
    assert '# [[expect.when]]\n# implementation = ["pypy"]\n# stdout = """\n# pypy\n# """' in new
    assert new.count("[[expect.when]]") == 1


def test_a_pypy_3_9_only_difference_names_the_implementation_and_the_version() -> None:
    new = bless(case_text(), matrix(lambda i, v, m: "odd\n" if (i, v) == ("pypy", "3.9.18") else "x\n"))
    assert '# [[expect.when]]\n# python = "<3.11"\n# implementation = ["pypy"]\n# stdout = """\n# odd' in new


def test_a_when_table_writes_the_whole_outcome_group_it_changes() -> None:
    def outcome(i: str, v: str, m: str) -> str:
        return ""
    results = [flat_replace(r, exit="1", exception="AttributeError: x", stderr="AttributeError: x\n")
               if r.cell.implementation == "pypy" and r.cell.start_method == "spawn" else r for r in matrix(outcome)]
    new = bless(case_text(), results)
    table = new.split("[[expect.when]]")[1]
    assert '# exit = 1\n# exception = "AttributeError: x"\n# stderr = """\n# AttributeError: x\n# """' in table
    assert "stdout" not in table  # the stdout group is the same: carried over from [expect]


def test_a_free_threaded_build_and_wine_are_selected_by_their_own_keys() -> None:
    results = [cell("3.13.0", "fork", "x\n"), cell("3.13.0", "spawn", "x\n"),
               flat_replace(cell("3.13.0", "fork", "t\n"), free_threaded=True),
               flat_replace(cell("3.13.0", "spawn", "t\n"), free_threaded=True)]
    new = bless(case_text(), results)
    assert '# [[expect.when]]\n# free_threaded = true\n# stdout = """\n# t\n# """' in new
    # Wine 8 alone differs: a table for it; where every Wine observed differs alike, `win32` serves Windows too
    wine = [flat_replace(cell(v, "spawn", "w8\n" if f == "wine8.0" else "x\n", platform="win32"), flavour=f)
            for v in ("3.12.1", "3.13.0") for f in ("wine8.0", "wine10.0")]
    new = bless(case_text(), results[:2] + wine)
    assert '# platform = ["win32-wine8.0"]' in new
    alike = [flat_replace(r, stdout="w\n", stdout_raw="w\n") for r in wine]
    linux = [cell(v, m, "x\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(), linux + alike)
    assert '# platform = ["win32"]' in new and "wine" not in new


def test_a_leak_seen_in_one_cell_that_no_table_can_single_out_is_not_blessed() -> None:
    results = [cell(v, m, "x\n") for v in VERSIONS for m in METHODS]
    # another machine's 3.7 fork cell (aarch64): no selector tells it from this one's
    twin = flat_replace(results[0], machine="aarch64", status=Status.LEAK, leftovers=(Leftover(7, "python -c worker"),))
    notes: list = []
    unblessed: list = []
    text = case_text()
    new = blessed_text(text, parse_case(text, "cases/c.py"), results + [twin], notes, unblessed)
    assert "leaks" not in new and unblessed == [twin]
    assert notes and "its leak is not blessed" in notes[0] and "CPython 3.7.16 fork (linux)" in notes[0]
    check_blessed(new, "cases/c.py", results)


def test_a_leak_a_table_can_single_out_is_blessed_there() -> None:
    results = [cell(v, m, "x\n", status=Status.LEAK, leftovers=(Leftover(7, "w"),)) if (v, m) == ("3.13.0", "spawn")
               else cell(v, m, "x\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(), results)
    assert '# [[expect.when]]\n# start_method = ["spawn"]\n# python = ">=3.13"\n# leaks = true' in new


def test_re_blessing_keeps_each_key_where_the_author_wrote_it() -> None:
    block = ('\n[expect]\nholds = false\nstdout = """\nx\n"""\nexit = 0\n\n[[expect.when]]\nstart_method = ["fork"]\n'
             'holds = true\nstdout = """\nfork\n"""\n')
    results = [cell(v, m, "fork\n" if m == "fork" else "x\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(block), results)
    assert '# [expect]\n# holds = false\n# stdout = """\n# x\n# """\n# stderr = ""\n# exit = 0\n' in new
    assert '# start_method = ["fork"]\n# holds = true\n# stdout = """\n# fork\n# """' in new


def write_results(tmp_path: Path, results: list) -> str:
    from harness.model import Run

    path = tmp_path / "results.json"
    path.write_text(json.dumps(Run(tuple(results), started="2026-01-01T00:00:00Z").to_json()), encoding="utf-8")
    return str(path)


def test_a_refusal_shows_the_proposed_block_and_why(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    from harness import bless as bless_module
    from harness.cli import main

    case = tmp_path / "c.py"
    case.write_text(case_text(), encoding="utf-8")
    same = cell("3.12.1", "spawn", "x\n")
    other = flat_replace(same, free_threaded=True, stdout="y\n")
    # a selector that misses its cell (as one for an axis no selector has would): bless's own check must catch it
    monkeypatch.setattr(bless_module, "selectors_for", lambda members, others, doubts=None: [{"start_method": ["fork"]}])
    assert main(["bless", str(case), "--results", write_results(tmp_path, [same, other]), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "the blessed expectation would not pass on CPython 3.12.1" in err and "spawn (linux): stdout: " in err
    assert "not written; the block bless proposed:\n# /// case\n" in err and "# [expect]" in err
    assert case.read_text(encoding="utf-8") == case_text()


def test_without_a_terminal_and_without_yes_it_exits_2_asking_for_yes(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    from harness.cli import main

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    case = tmp_path / "c.py"
    case.write_text(case_text(), encoding="utf-8")
    results = write_results(tmp_path, [cell("3.12.1", m, "x\n") for m in METHODS])
    assert main(["bless", str(case), "--results", results]) == 2
    captured = capsys.readouterr()
    assert "+# [expect]" in captured.out and "pass --yes to write it" in captured.err
    assert main(["bless", str(case), "--results", results, "--yes"]) == 0
    assert "blessed from 3 cells" in capsys.readouterr().out


def test_cells_with_nothing_to_bless_are_named_with_their_reasons_and_results_of_other_cases_are_refused(
        tmp_path: Path, capsys: Any) -> None:
    from harness.cli import main

    case = tmp_path / "c.py"
    case.write_text(case_text(), encoding="utf-8")
    skipped = [flat_replace(cell("3.12.1", m, ""), status=Status.SKIP, message="the case runs on win32 only")
               for m in ("spawn", "forkserver")]
    results = write_results(tmp_path, [cell("3.12.1", "fork", "x\n")] + skipped)
    assert main(["bless", str(case), "--results", results, "--yes"]) == 0
    err, out = capsys.readouterr()[::-1]
    assert f"{case}: 2 cells have nothing to bless: 2 skip (the case runs on win32 only)" in err
    assert "blessed from 1 cell\n" in out
    other = tmp_path / "d.py"
    other.write_text(case_text(), encoding="utf-8")
    assert main(["bless", str(other), "--results", results, "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"{other}: the results files ({results}) hold no cell of case 'd' (they hold c); run it first" in err


def test_a_behaviour_no_single_box_holds_is_split_along_one_axis() -> None:
    versions = [("cpython", v) for v in ("3.7.16", "3.8.18", "3.9.18", "3.11.7", "3.12.1")] + [("pypy", "3.9.18"), ("pypy", "3.11.13")]
    results = [cell(v, m, "2\n" if i == "pypy" or v == "3.7.16" else "0\n", implementation=i)
               for i, v in versions for m in METHODS]
    new = bless(case_text(), results)
    assert '# [[expect.when]]\n# python = "<3.8"\n# stdout = """\n# 2\n' in new
    assert '# [[expect.when]]\n# implementation = ["pypy"]\n# stdout = """\n# 2\n' in new
    assert new.count("[[expect.when]]") == 2


def test_re_blessing_keeps_a_remark_after_a_value_that_did_not_change() -> None:
    block = ('\n[expect]\nstdout = "x"\n\n[[expect.when]]\nstart_method = ["fork"]  # fork alone\n'
             'holds = false  # the child shares the parent\'s memory\nstdout = "fork"\n')
    results = [cell(v, m, "fork\n" if m == "fork" else "x\n") for v in VERSIONS for m in METHODS]
    new = bless(case_text(block), results)
    assert ('# start_method = ["fork"]  # fork alone\n# holds = false  # the child shares the parent\'s memory\n'
            '# stdout = "fork"\n') in new


def test_a_pypy_3_9_difference_is_never_written_as_a_range_of_cpython_versions() -> None:
    """The issue's run: CPython 3.8, 3.12, 3.14, PyPy 3.9 and 3.11. `python = ">=3.9,<3.11"` alone would separate
    PyPy 3.9 too, but it predicts CPython 3.9 and 3.10, and no CPython inside the range showed the behaviour."""
    runs = [("cpython", "3.8.18"), ("cpython", "3.12.1"), ("cpython", "3.14.10"), ("pypy", "3.9.16"), ("pypy", "3.11.17")]
    results = [cell(v, m, "odd\n" if (i, v) == ("pypy", "3.9.16") else "x\n", implementation=i)
               for i, v in runs for m in METHODS]
    new = bless(case_text(), results)
    assert '# [[expect.when]]\n# python = ">=3.9,<3.11"\n# implementation = ["pypy"]\n' in new
    # and a CPython 3.10 seen later still gets [expect]
    later = parse_case(new, "cases/c.py").expectation_for(cell("3.10.13", "fork", "").cell)[0]
    assert later.stdout.source == "x\n"


def test_when_the_cells_cannot_tell_two_axes_apart_bless_says_so_in_the_table_and_on_the_terminal() -> None:
    # fork only seen on 3.12, spawn only on 3.13: the start method and the version explain the difference equally
    results = [cell("3.12.1", "fork", "a\n"), cell("3.12.1", "fork", "a\n"), cell("3.13.0", "spawn", "b\n")]
    notes: List[str] = []
    text = case_text()
    new = blessed_text(text, parse_case(text, "cases/c.py"), results, notes)
    assert "# # bless: the observed cells cannot tell start_method from python apart: written by start_method" in new
    assert notes and "cannot tell start_method from python apart" in notes[0]
    # a re-bless from cells that tell them apart drops the doubt
    results.append(cell("3.13.0", "fork", "a\n"))
    again = blessed_text(new, parse_case(new, "cases/c.py"), results)
    assert "bless:" not in again


def test_frames_of_the_case_file_are_written_without_their_line_number() -> None:
    """bless adds lines above the case's code, which moves its frames: a blessed traceback must still match."""
    tb = ('Traceback (most recent call last):\n  File "<case>/c.py", line 7, in <module>\n    boom()\n'
          '  File "<case>/c.py", line 4, in boom\n    raise ValueError("x")\nValueError: x\n')
    results = [cell(v, m, "", exit="1", stderr=tb, exception="ValueError: x") for v in VERSIONS for m in METHODS]
    text = case_text()
    new = blessed_text(text, parse_case(text, "cases/c.py"), results)
    assert '#   File "<case>/c.py", line [..], in <module>' in new and "line 7" not in new
    check_blessed(new, "cases/c.py", results, text)  # passes as the code moves too


DEPENDENCIES = '''# /// script
# dependencies = ["six"]
# ///

'''
VARIED = '''[variants]
six = ["1.16.*", "1.17.*"]

[flags]
FLAG = ["a", "b"]
'''


def varied(six: str, flag: str, stdout: str) -> Result:
    return cell("3.12", "spawn", stdout, variant={"six": six, "FLAG": flag}, packages={"six": six})


def test_a_package_version_and_a_flag_are_written_as_packages_and_flags_selectors() -> None:
    text = DEPENDENCIES + case_text(VARIED)
    results = [varied(six, flag, "new\n" if six == "1.17.0" and flag == "b" else "old\n")
               for six in ("1.16.0", "1.17.0") for flag in ("a", "b")]
    new = bless(text, results)
    assert '# packages = {six = ">=1.17.0"}\n# flags = {FLAG = ["b"]}\n' in new
    case = parse_case(new, "cases/c.py")
    assert [case.expectation_for(r.cell)[0].stdout.source.strip() for r in results] == ["old", "old", "old", "new"]


def test_a_checkerboard_of_package_and_flag_is_split_along_one_of_them() -> None:
    text = DEPENDENCIES + case_text(VARIED)
    results = [varied(six, flag, "x\n" if (six == "1.17.0") == (flag == "b") else "y\n")
               for six in ("1.16.0", "1.17.0") for flag in ("a", "b")]
    new = bless(text, results)  # checked: it passes on every cell
    assert new.count("[[expect.when]]") == 2 and 'packages = {six = ' in new and "flags = {FLAG = " in new
    case = parse_case(new, "cases/c.py")
    assert [case.expectation_for(r.cell)[0].stdout.source.strip() for r in results] == ["x", "y", "y", "x"]


def test_bless_warns_when_it_would_expect_a_package_the_case_does_not_declare() -> None:
    from harness.bless import bless as bless_case

    text = case_text()
    missing = cell("3.12", "spawn", "", exit="1", exception="ModuleNotFoundError: No module named 'six'",
                   stderr="Traceback (most recent call last):\nModuleNotFoundError: No module named 'six'\n")
    blessing = bless_case(parse_case(text, "cases/c.py"), text, [missing])
    assert len(blessing.warnings) == 1 and "No module named 'six'" in blessing.warnings[0]
    assert "does not declare" in blessing.warnings[0]
    stdlib = cell("3.10", "spawn", "", exit="1", exception="ModuleNotFoundError: No module named 'tomllib'")
    assert bless_case(parse_case(text, "cases/c.py"), text, [stdlib]).warnings == ()
    declared = DEPENDENCIES + text
    assert bless_case(parse_case(declared, "cases/c.py"), declared, [missing]).warnings == ()


def test_bless_writes_in_place_of_the_file_with_its_mode_and_never_over_an_edit_made_meanwhile(
        tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    from harness import bless as bless_module
    from harness.cli import main

    case = tmp_path / "c.py"
    case.write_text(case_text(), encoding="utf-8")
    case.chmod(0o751)
    results = write_results(tmp_path, [cell("3.12.1", m, "x\n") for m in METHODS])
    assert main(["bless", str(case), "--results", results, "--yes"]) == 0
    assert "# [expect]" in case.read_text(encoding="utf-8")
    if sys.platform != "win32":  # Windows keeps a read-only bit, not a mode
        assert (case.stat().st_mode & 0o777) == 0o751
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    case.write_text(case_text(), encoding="utf-8")
    edited = case_text() + "print('an edit made while bless ran the case')\n"
    real = bless_module.bless

    def bless_while_the_author_edits(*args: Any) -> Any:
        blessing = real(*args)
        case.write_text(edited, encoding="utf-8")
        return blessing

    monkeypatch.setattr(bless_module, "bless", bless_while_the_author_edits)
    assert main(["bless", str(case), "--results", results, "--yes"]) == 1
    assert case.read_text(encoding="utf-8") == edited  # the edit is kept
    assert "not written: it changed since bless read it; run bless again" in capsys.readouterr().err


def test_a_case_written_on_windows_is_blessed_and_keeps_its_line_ends(tmp_path: Path, capsys: Any) -> None:
    from harness.cli import main

    case = tmp_path / "c.py"
    case.write_bytes(case_text().replace("\n", "\r\n").encode("utf-8"))  # as a Windows editor writes it
    results = write_results(tmp_path, [cell("3.12.1", m, "x\n") for m in METHODS])
    assert main(["bless", str(case), "--results", results, "--yes"]) == 0
    data = case.read_bytes()
    assert b"# [expect]\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_a_pypy_whose_versions_no_cpython_shares_is_written_by_implementation_with_a_doubt() -> None:
    # PyPy seen on 3.9 alone, CPython on 3.8 and 3.12: the implementation and the version explain it equally, though
    # a version box is not written (no CPython inside it shows the behaviour)
    results = [cell("3.8.18", "fork", "kept\n"), cell("3.12.1", "fork", "kept\n"),
               cell("3.9.16", "fork", "freed\n", implementation="pypy")]
    notes: List[str] = []
    text = case_text()
    new = blessed_text(text, parse_case(text, "cases/c.py"), results, notes)
    assert '# implementation = ["pypy"]' in new
    assert "cannot tell implementation from python apart: every pypy cell observed is of 3.9" in new
    assert notes and "cannot tell implementation from python apart" in notes[0]
    results.append(cell("3.9.18", "fork", "kept\n"))  # a CPython 3.9 tells them apart: no doubt left
    assert "bless:" not in blessed_text(new, parse_case(new, "cases/c.py"), results)
