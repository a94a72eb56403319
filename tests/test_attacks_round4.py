"""A fourth attack on the README's Reliability promises and the author's loop (issues 22 and 23), written from their
properties with new variants: dotted keys as nesting, huge numbers in specifiers, a crafted --resume request, a
source that is not an address, names with line separators, signals while probing, files in the environment cache
that are not files, and bless on outcome tables, warnings and stale results."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, mpmatrix, write_case
from test_render_synthetic import grid, make_run

from harness import environments, execute
from harness.casefile import CaseError, load_case
from harness.render.links import http_url
from harness.render.terminal import escape_control, escape_name, render_matrix, render_skips

HEAD = 'claim = "c"\nsource = "s"\nids = ["S1"]\n'
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")


# -- bounded recursion and numbers in what is read -------------------------------------------------------------------

@pytest.mark.parametrize("line", ["ids.{k} = 1", "flags.X.{k} = 1", "[expect.{k}]", "x = {{ {k} = 1 }}"])
def test_dotted_keys_count_as_nesting_and_are_refused_with_the_line(tmp_path: Path, line: str) -> None:
    keys = ".".join(["a"] * 3000)
    case = write_case(tmp_path, "deep.py", HEAD + line.format(k=keys) + "\n")
    with pytest.raises(CaseError, match=r"deep\.py:5: arrays or tables nested more than 32 deep"):
        load_case(str(case))


def test_a_few_dots_and_floats_are_not_nesting(tmp_path: Path) -> None:
    case = write_case(tmp_path, "fine.py", HEAD + "timeout = 1.5\n[expect]\nstdout = \"a.b.c\"\n")
    assert load_case(str(case)).timeout == 1.5


def test_a_dotted_key_in_the_target_matrix_is_refused_with_its_line(tmp_path: Path) -> None:
    from harness.target import TargetError, load_target

    path = tmp_path / "matrix.toml"
    path.write_text("[platform.linux]\npythons." + ".".join(["a"] * 3000) + " = 1\n")
    with pytest.raises(TargetError, match=r"matrix\.toml:2: arrays or tables nested more than"):
        load_target(path)


@pytest.mark.parametrize("table", ['[[expect.when]]\npython = ">=3.{n}"\nstdout = "1"\n',
                                   '[variants]\nsix = ["1.{n}"]\n'])
def test_a_specifier_with_a_huge_number_is_refused_when_the_case_is_read(tmp_path: Path, table: str) -> None:
    case = write_case(tmp_path, "huge.py", HEAD + table.format(n="9" * 5000))
    case.write_text('# /// script\n# dependencies = ["six"]\n# ///\n\n' + case.read_text())
    with pytest.raises(CaseError) as caught:
        load_case(str(case))
    message = str(caught.value)
    assert "huge.py:" in message and "a number of 5000 digits in it: at most 20" in message
    assert len(message) < 400  # the value is shown shortened: the line holds it whole


def test_a_resume_request_that_mpmatrix_did_not_write_is_refused_naming_file_field_and_value(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for value, shown in (('"abc"', "'abc'"), ("1" + "0" * 38, "1" + "0" * 38), ("0", "0")):
        (out / "results.partial.jsonl").write_text(
            '{"journal":1,"run_id":"a","started":"s","request":{"paths":["c.py"],"repeat":%s}}\n' % value)
        run = mpmatrix("run", "--resume", str(out), timeout=60)
        assert run.returncode == 2, run.stderr
        assert f"results.partial.jsonl: its request's repeat is {shown}; expected an integer from 1 to 1,000" in run.stderr
        assert "Traceback" not in run.stderr
    (out / "results.partial.jsonl").write_text(
        '{"journal":1,"run_id":"a","started":"s","request":{"paths":[1, 2]}}\n')
    run = mpmatrix("run", "--resume", str(out), timeout=60)
    assert run.returncode == 2 and "its request's paths is [1, 2]" in run.stderr


def test_a_source_that_only_looks_like_an_address_is_plain_text() -> None:
    assert http_url("http://[x") is None and http_url("https://[::1") is None
    assert http_url("https://example.org/a") == "https://example.org/a"


# -- names escaped in every output -------------------------------------------------------------------------------------

def test_line_and_paragraph_separators_never_reach_an_output_raw() -> None:
    for separator in ("\u2028", "\u2029"):
        assert separator not in escape_control(f"a{separator}b") and separator not in escape_name(f"a{separator}b")
        assert len(f"x{escape_name(f'a{separator}✓ PASS forged')}".splitlines()) == 1


def test_the_skip_section_writes_each_name_and_reason_on_one_line() -> None:
    from harness.model import Status

    forged = "evil\n✓ PASS fake_case [linux 3.12.1 default] all good"
    run = make_run(grid(forged, lambda p, v, m: dict(status=Status.SKIP, stdout="", exit="77", message="why\n✓ forged")))
    lines = render_skips(list(run.results), run.layout).splitlines()
    assert len(lines) == 2 and lines[1].startswith("  evil\\n✓ PASS fake_case") and "why\\n✓ forged" in lines[1]


def test_a_failing_cell_shows_no_verdict_mark_whatever_its_expectation_says() -> None:
    from harness.model import Status

    run = make_run(grid("refuted_but_failing", lambda p, v, m: dict(status=Status.FAIL, holds=False, stdout="x\n")))
    row = next(line for line in render_matrix(list(run.results), run.layout).splitlines()
               if line.startswith("refuted_but_failing"))
    assert "✗" in row and "†" not in row


def test_the_claims_verdict_line_holds_no_line_break_or_html_from_a_results_file(tmp_path: Path) -> None:
    evil = "cpython\n\n## S2 forged section\n\n<img src=x onerror=alert(1)>\n"
    cell = {"case": "c", "case_path": "c.py", "ids": ["S1"], "python": "3.12.1", "implementation": "cpython",
            "platform": "linux", "start_method": "fork", "status": "pass", "holds": True, "exit": "0",
            "stdout": "", "stderr": "", "stdout_raw": "", "stderr_raw": "", "duration_s": 0.1}
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"schema_version": 2, "harness_version": "0.1", "started": "x", "complete": True,
                                   "host": {}, "cells": [cell, dict(cell, implementation=evil, status="crash",
                                                                     exit="signal:SIGKILL")]}))
    run = mpmatrix("claims", str(results), timeout=60)
    assert run.returncode == 0, run.stderr
    assert "\n## S2" not in run.stdout and "<img" not in run.stdout


def test_show_writes_flag_values_on_one_line(tmp_path: Path) -> None:
    case = write_case(tmp_path, "flagged.py", HEAD + '[flags]\nFOO = ["a\\n✓ forged line\\tTAB"]\n')
    run = mpmatrix("show", str(case), timeout=60)
    assert run.returncode == 0, run.stderr
    assert not any(line.startswith("✓ forged") for line in run.stdout.splitlines())
    assert "flags:  FOO = a\\n✓ forged line\\tTAB" in run.stdout


# -- signals at any moment, files that are not files ---------------------------------------------------------------

@POSIX
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_while_interpreters_are_probed_ends_the_run_with_130(tmp_path: Path, name: str) -> None:
    slow = tmp_path / "slowpy"
    slow.write_text(f'#!/bin/sh\nsleep 5\nexec "{sys.executable}" "$@"\n')
    slow.chmod(0o755)
    case = write_case(tmp_path, "c.py", HEAD)
    process = subprocess.Popen([sys.executable, "-m", "harness", "run", str(case), "-p", str(slow), "--out",
                                str(tmp_path / "out")], cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True,  # the signal's default action, as from a shell
                               preexec_fn=lambda: signal.signal(getattr(signal, name), signal.SIG_DFL))
    time.sleep(1.5)
    process.send_signal(getattr(signal, name))
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err


@POSIX
def test_a_pipe_in_the_environment_cache_is_passed_over_not_waited_on(tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    os.mkfifo(record)
    started = time.monotonic()
    assert environments._read_json(record) is None
    assert time.monotonic() - started < 5
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    assert environments._read_json(link) is None


def test_a_left_over_process_with_a_huge_command_line_is_kept_short() -> None:
    class Huge:
        def cmdline(self):
            return ["python", "-c", "x" * 2_000_000]

    kept = execute._command_line(1, Huge())
    assert len(kept) < execute.LEFTOVER_CMDLINE_CHARS + 100 and kept.endswith("more characters)")


# -- bless -----------------------------------------------------------------------------------------------------------

def _bless(case: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", "bless", str(case), "-p", sys.executable, "--yes", *extra],
                          cwd=str(REPO), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.e2e
@pytest.mark.parametrize("outcome", ["[[expect.outcome]]\nstdout_has = \"x\"\nholds = false\n",
                                     "[[expect.when]]\nstart_method = [\"fork\"]\nstdout = \"x\"\n\n"
                                     "[[expect.when.outcome]]\nstdout_has = \"x\"\nholds = false\n"])
def test_bless_keeps_outcome_tables_and_the_case_passes_after(tmp_path: Path, outcome: str) -> None:
    case = write_case(tmp_path, "outcomes.py", HEAD + '\n[expect]\nstdout = "x"\n\n' + outcome, code='print("x")\n')
    blessed = _bless(case)
    assert blessed.returncode == 0, blessed.stderr
    text = case.read_text()
    assert ".outcome]]\n# stdout_has = \"x\"\n# holds = false" in text and "[[.outcome]]" not in text
    run = mpmatrix("run", str(case), "-p", sys.executable, "-q", out=tmp_path / "out")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "already match" in _bless(case).stdout


@pytest.mark.e2e
def test_a_blessed_warning_names_no_line_number_and_passes_after(tmp_path: Path) -> None:
    case = write_case(tmp_path, "warns.py", HEAD + 'start_methods = ["default"]\n',
                      code="import warnings\n\n\ndef careful():\n    warnings.warn('mind the gap')\n\n\ncareful()\n")
    assert _bless(case).returncode == 0
    assert "# <case>/warns.py:[..]: UserWarning: mind the gap" in case.read_text()
    run = mpmatrix("run", str(case), "-p", sys.executable, "-q", out=tmp_path / "out")
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.e2e
def test_bless_refuses_results_of_an_earlier_version_of_the_case(tmp_path: Path) -> None:
    case = write_case(tmp_path, "exits.py", HEAD + 'start_methods = ["default"]\n', code="import sys\nsys.exit(3)\n")
    assert mpmatrix("run", str(case), "-p", sys.executable, "-q", out=tmp_path / "out").returncode == 0  # recorded
    case.write_text(case.read_text().replace("sys.exit(3)", "sys.exit(4)"))
    before = case.read_text()
    blessed = _bless(case, "--results", str(tmp_path / "out"))
    assert blessed.returncode == 1 and "changed since the results files" in blessed.stderr
    assert case.read_text() == before


def _pyenv(minor: str) -> str:
    found = sorted(Path.home().glob(f".pyenv/versions/{minor}.*/bin/python"))
    if not found:
        pytest.skip(f"no pyenv CPython {minor} on this machine")
    return str(found[-1])


@pytest.mark.e2e
def test_blessing_again_from_fewer_interpreters_changes_nothing_when_they_pass(tmp_path: Path) -> None:
    older, newer = _pyenv("3.10"), _pyenv("3.12")
    case = write_case(tmp_path, "versions.py", HEAD + 'start_methods = ["default"]\n',
                      code="import sys\nprint(sys.version_info >= (3, 11))\n")
    first = subprocess.run([sys.executable, "-m", "harness", "bless", str(case), "-p", older, "-p", newer, "--yes"],
                           cwd=str(REPO), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert first.returncode == 0, first.stderr
    blessed = case.read_text()
    again = subprocess.run([sys.executable, "-m", "harness", "bless", str(case), "-p", newer, "--yes"],
                           cwd=str(REPO), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert again.returncode == 0 and "expectations already match" in again.stdout, again.stdout + again.stderr
    assert case.read_text() == blessed
    run = mpmatrix("run", str(case), "-p", older, "-p", newer, "-q", out=tmp_path / "out")
    assert run.returncode == 0, run.stdout


def test_observations_that_verdict_apart_are_two_behaviours_even_where_the_compared_streams_agree() -> None:
    from conftest import flat_result
    from harness.judge import combine
    from harness.model import Status

    cell = dict(case="coin", case_path="coin.py", ids=["S1"], python="3.12.1", implementation="cpython",
                platform="linux", start_method="fork", status="pass", exit="0", stdout="tossed\n",
                stderr="", checked=["exit", "stdout"], duration_s=0.1)
    heads, tails = flat_result(**cell, holds=True), flat_result(**cell, holds=False)
    combined = combine([tails, heads, tails])
    assert combined.status is Status.FLAKY
    assert sorted((o["holds"], o["count"]) for o in combined.judged.observations) == [(False, 2), (True, 1)]
    assert combine([heads, heads]).status is Status.PASS


def test_the_bootstraps_frames_are_not_part_of_a_printed_stack() -> None:
    from harness.normalize import Context, normalize

    boot = "/somewhere/harness/bootstrap.py"
    printed = (f'  File "{boot}", line 123, in <module>\n    main()\n  File "{boot}", line 119, in main\n'
               '    exec(code, module.__dict__)\n  File "/cases/x.py", line 5, in <module>\n    here()\n'
               f'Stack (most recent call first):\n  File "/cases/x.py", line 5 in <module>\n  File "{boot}", line 119 in main\n')
    text = normalize(printed, Context(case_dir="/cases", bootstrap=boot))
    assert "bootstrap" not in text and "main()" not in text and "exec(code" not in text
    assert text.count('File "<case>/x.py", line 5') == 2 and "    here()\n" in text


# -- patch releases (issue 20) -----------------------------------------------------------------------------------

def _two_releases(monkeypatch) -> None:
    from harness import interpreters
    from harness.model import Interpreter

    found = [Interpreter("/py/3.13.0/python", version="3.13.0", source="pyenv"),
             Interpreter("/py/3.13.18/python", version="3.13.18", source="path"),
             Interpreter("/py/3.12.1/python", version="3.12.1", source="pyenv")]
    monkeypatch.setattr(interpreters, "discover", lambda environ=None, platform=None: (found, []))


def test_all_releases_with_a_version_keeps_every_release_of_it(monkeypatch) -> None:
    from harness.interpreters import select_interpreters

    _two_releases(monkeypatch)
    assert [i.version for i in select_interpreters(["3.13"], print, True)] == ["3.13.0", "3.13.18"]
    assert [i.version for i in select_interpreters(["3.13"], print, False)] == ["3.13.18"]
    assert [i.version for i in select_interpreters(["3.13.0", "3.12"], print, True)] == ["3.13.0", "3.12.1"]


def test_the_interpreters_table_names_the_columns_a_run_would_make(monkeypatch) -> None:
    from harness.interpreters import interpreter_table, select_interpreters

    _two_releases(monkeypatch)
    rows = interpreter_table(select_interpreters(["3.13", "3.12"], print, True))
    assert [row.split()[0] for row in rows[1:]] == ["3.13.0", "3.13.18", "3.12"]


def test_a_releases_setting_that_is_neither_all_nor_newest_is_refused(monkeypatch) -> None:
    from harness.errors import UsageError
    from harness.interpreters import releases_wanted

    assert releases_wanted({"MPMATRIX_RELEASES": "all"}) and not releases_wanted({})
    with pytest.raises(UsageError, match="MPMATRIX_RELEASES='bogus': expected all"):
        releases_wanted({"MPMATRIX_RELEASES": "bogus"})


def test_pytest_results_of_two_releases_of_one_version_can_be_kept_apart() -> None:
    from harness.model import Interpreter
    from harness.pytest_plugin import results_path

    older, newer = Interpreter("/a", version="3.13.0"), Interpreter("/b", version="3.13.18")
    assert results_path("r/{python}-{release}.json", older) == Path("r/3.13-3.13.0.json")
    assert results_path("r/{release}.json", newer) == Path("r/3.13.18.json")


def test_a_target_matrix_may_declare_releases_and_says_which_were_not_observed(tmp_path: Path) -> None:
    from conftest import flat_result
    from harness.target import load_target, not_observed

    path = tmp_path / "matrix.toml"
    path.write_text('[platform.linux]\npythons = ["3.13.0", "3.13.8", "3.12"]\nstart_methods = ["fork"]\n')
    target = load_target(str(path))
    base = dict(case="c", case_path="c.py", ids=["S1"], implementation="cpython", platform="linux",
                start_method="fork", status="pass", exit="0", stdout="", stderr="", duration_s=0.1)
    cells = [flat_result(**base, python="3.13.0"), flat_result(**base, python="3.12.1")]
    assert not_observed(cells, target) == [("linux", "3.13.8", "fork")]


# -- dependencies (issue 21) -----------------------------------------------------------------------------------

SCRIPT_ONLY = '# /// script\n# requires-python = "{spec}"\n# ///\n\n'


def test_requires_python_excludes_an_interpreter_even_without_dependencies(tmp_path: Path) -> None:
    from harness.judge import before_running
    from harness.model import Interpreter, Status
    from harness.plan import plan

    case = write_case(tmp_path, "rp.py", HEAD)
    case.write_text(SCRIPT_ONLY.format(spec=">=3.10") + case.read_text())
    loaded = load_case(str(case))
    old, new = Interpreter("/py38", version="3.8.18"), Interpreter("/py312", version="3.12.1")
    decided = {p.cell.interpreter.version: before_running(p) for p in plan([loaded], [], [old, new], ["spawn"])}
    assert decided["3.8.18"].status is Status.UNSUPPORTED
    assert decided["3.8.18"].judged.message == "the case's requires-python '>=3.10' excludes CPython 3.8.18"
    assert decided["3.12.1"] is None  # it runs


def test_a_requires_python_uv_would_refuse_is_refused_with_its_line(tmp_path: Path) -> None:
    case = write_case(tmp_path, "rp.py", HEAD)
    case.write_text(SCRIPT_ONLY.format(spec=">=3.9,,") + case.read_text())
    with pytest.raises(CaseError, match=r"rp\.py:2: invalid PEP 440 specifier '>=3\.9,,' in requires-python"):
        load_case(str(case))


def test_pips_requires_a_different_python_is_an_interpreter_no_environment_can_be_made_for() -> None:
    from harness.environments import Unavailable, _failed

    done = subprocess.CompletedProcess([], 1, "", "Looking in links: file:///mirror\nERROR: Package 'packaging' "
                                                  "requires a different Python: 3.7.16 not in '>=3.9'\n")
    failure = _failed(done, "pip install")
    assert isinstance(failure, Unavailable) and "requires a different Python: 3.7.16" in str(failure)


@pytest.mark.parametrize("value, message", [("[]", "empty 'changed_in'"),
                                            ('["3.13.8", "3.13.9"]', "changed_in names two releases of 3.13"),
                                            ('["3.13.x"]', "bad release '3.13.x'")])
def test_a_changed_in_that_names_no_release_or_two_of_one_line_is_refused(tmp_path: Path, value: str,
                                                                        message: str) -> None:
    case = write_case(tmp_path, "ch.py", HEAD + f"changed_in = {value}\n")
    with pytest.raises(CaseError, match=r"ch\.py:5: " + re.escape(message)):
        load_case(str(case))


def test_a_change_between_minor_versions_is_named_beside_the_patch_level_ones() -> None:
    from test_render_synthetic import grid as grid_of

    from harness.analysis import analyse_case

    pythons = ("3.11.2", "3.11.7", "3.12.1", "3.13.0", "3.13.18")
    new = {"3.12.1", "3.13.18"}  # new in 3.12, lost again in 3.13.0, back in a 3.13 patch release
    analysis = analyse_case(grid_of("c", lambda p, v, m: dict(stdout="new\n" if v in new else "old\n"),
                                    pythons=pythons))
    words = analysis.changes["everywhere"]
    assert "between 3.13.0 and 3.13.18" in words
    assert "between minor versions: between 3.11.7 and 3.12; between 3.12 and 3.13.0" in words
