"""bless: observed behaviour written back as one [expect] and the narrowest [[expect.when]] tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.bless import BlessError, blessed_text, check_blessed, selectors_for
from harness.casefile import parse_case
from harness.model import Result, Status

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
    return Result(**values)


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
    assert "blessed from 3 cells" in blessed.stdout
    checked = subprocess.run(run + ["run", str(case), "--python", "current", "--out", str(tmp_path / "out"), "-q"],
                             capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert checked.returncode == 0 and "3 pass" in checked.stdout, checked.stdout + checked.stderr
    again = subprocess.run(run + ["bless", str(case), "--python", "current"], capture_output=True, text=True,
                           timeout=120, cwd=str(ROOT), stdin=subprocess.DEVNULL)
    assert "already match" in again.stdout
