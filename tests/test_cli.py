"""Tests for harness.cli: exit codes 0/1/2 without tracebacks on bad usage, and end-to-end runs of the fixture cases."""

from __future__ import annotations

import json
import os

import pytest

from harness import cli

from conftest import CASES, HOSTILE, mpmatrix, write_case

HEAD = 'claim = "c"\nsource = "s"\nids = ["S1"]\n'


def main(capsys, *argv):
    """cli.main in process: (exit code, stdout, stderr); argparse's SystemExit counts as an exit code."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("argv, message", [
    (["--python", "/nonexistent/python3"], "--python /nonexistent/python3: "),
    (["--python", "/etc/passwd"], "--python /etc/passwd: "),
    (["--start-method", "spwan"], "invalid choice: 'spwan'"),
    (["--jobs", "0"], "expected a positive integer"),
])
def test_bad_usage_is_exit_2_with_a_message(capsys, tmp_path, argv, message):
    case = write_case(tmp_path, "a.py", HEAD)
    code, _, err = main(capsys, "run", str(case), *argv, "--out", str(tmp_path / "out"))
    assert code == 2 and message in err
    assert not (tmp_path / "out").exists()


def test_missing_case_path_is_exit_2_and_runs_nothing(capsys, tmp_path):
    case = write_case(tmp_path, "a.py", HEAD)
    code, _, err = main(capsys, "run", str(case), str(tmp_path / "typo.py"), "--python", "current", "--out", str(tmp_path / "out"))
    assert code == 2 and f"no such file or folder: {tmp_path / 'typo.py'}" in err
    assert not (tmp_path / "out").exists()


def test_no_cases_is_exit_2(capsys, tmp_path):
    (tmp_path / "helper.py").write_text("x = 1\n")
    code, _, err = main(capsys, "run", str(tmp_path), "--python", "current", "--out", str(tmp_path / "out"))
    assert code == 2 and "no case files" in err


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = main(capsys)
    assert code == 2 and "Exit codes" in out


def test_list_and_show(capsys, tmp_path):
    write_case(tmp_path, "good.py", HEAD + '\n[expect]\nstdout = "hi"\n')
    code, out, _ = main(capsys, "list", str(tmp_path))
    assert code == 0 and out.split()[:2] == ["good", "S1"]
    write_case(tmp_path, "bad.py", HEAD + "timout = 3\n")
    code, out, err = main(capsys, "list", str(tmp_path))
    assert code == 2 and "bad.py:5: unknown key 'timout'" in err and "good" in out
    code, out, _ = main(capsys, "show", str(tmp_path / "good.py"))
    assert code == 0 and 'stdout = "hi"' in out
    code, _, err = main(capsys, "show", "nosuchcase", "--cases", str(tmp_path))
    assert code == 2 and "no case named 'nosuchcase'" in err


def test_list_aligns_its_columns_whatever_the_length_of_names_and_id_lists(capsys, tmp_path):
    head = 'claim = "Claim."\nsource = "s"\nids = ["S1"]\n'
    write_case(tmp_path, "a.py", head)
    write_case(tmp_path, "a_case_with_a_name_much_longer_than_thirty_two.py",
               head.replace('ids = ["S1"]', 'ids = ["D52", "D53", "D54", "D55", "D56"]'))
    code, out, _ = main(capsys, "list", str(tmp_path))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert len({line.index("Claim.") for line in lines}) == 1, lines  # the claims start in one column
    assert len({line.index("S1" if "S1" in line else "D52") for line in lines}) == 1, lines


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"), ('{"schema_version": 7, "cells": []}', "schema_version 7"), ("", "not valid JSON"),
])
def test_report_on_a_bad_results_file_is_exit_2_naming_it(capsys, tmp_path, content, message):
    path = tmp_path / "results.json"
    path.write_text(content)
    code, _, err = main(capsys, "report", str(path))
    assert code == 2 and str(path) in err and message in err


def test_report_without_results_is_exit_2(capsys, tmp_path):
    code, _, err = main(capsys, "report", str(tmp_path))
    assert code == 2 and "no results files" in err


def test_resume_of_a_corrupt_results_file_is_exit_2(capsys, tmp_path):
    case = write_case(tmp_path, "a.py", HEAD)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text('{"schema_version": 1, "cel')
    code, _, err = main(capsys, "run", str(case), "--python", "current", "--resume", str(tmp_path / "out"))
    assert code == 2 and "not valid JSON" in err


# -- end to end: fixture cases in real interpreters -------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """One run of every fixture case and every malformed input under fork and spawn."""
    out = tmp_path_factory.mktemp("cases-run")
    return mpmatrix("run", str(CASES), str(HOSTILE / "malformed"), "--python", "current", "-m", "fork", "-m", "spawn",
                    "--jobs", "4", "-q", out=out)


def statuses(invocation, case):
    return {c["start_method"]: c["status"] for c in invocation.cells()[case]}


@pytest.mark.e2e
def test_e2e_exit_code_and_summary(fixture_run):
    assert fixture_run.returncode == 1, fixture_run.stderr  # fail, timeout and error cells are failures
    assert "Traceback" not in fixture_run.stderr
    data = fixture_run.results()
    assert data["complete"] is True and data["schema_version"] == 2
    assert not (fixture_run.out / "results.partial.jsonl").exists()  # the journal goes once the run is complete


@pytest.mark.e2e
@pytest.mark.parametrize("case", ["pass_simple", "wildcard", "unordered_regex", "when_start_method", "when_python",
                                  "ünïcode case"])
def test_e2e_passing_cases(fixture_run, case):
    cells = fixture_run.cells()[case]
    assert {c["status"] for c in cells} == {"pass"}, [(c["start_method"], c["message"], c["diff"]) for c in cells]


@pytest.mark.e2e
def test_e2e_conditional_expectations_say_where_they_came_from(fixture_run):
    by_method = {c["start_method"]: c for c in fixture_run.cells()["when_start_method"]}
    assert by_method["fork"]["stdout"] == "fork\n" and by_method["fork"]["expectation"] == "[expect]"
    assert by_method["spawn"]["expectation"] == "[expect] + [[expect.when]] at line 10"
    (python,) = {c["expectation"] for c in fixture_run.cells()["when_python"]}
    assert python == "[expect] + [[expect.when]] at line 10"


@pytest.mark.e2e
def test_e2e_failure_has_a_diff(fixture_run):
    for cell in fixture_run.cells()["fail_diff"]:
        assert cell["status"] == "fail" and cell["holds"] is True
        assert "-two" in cell["diff"] and "+TWO" in cell["diff"] and cell["message"].startswith("stdout:")


@pytest.mark.e2e
def test_e2e_timeout_ends_the_cell_and_keeps_the_stacks(fixture_run):
    for cell in fixture_run.cells()["sleeps_forever"]:
        assert cell["status"] == "timeout" and "wait_for_godot" in cell["stacks"]
        assert cell["stdout"] == "waiting\n" and 1.9 < cell["duration_s"] < 4.5
    assert fixture_run.seconds < 2 + 8  # the whole run: timeout plus a margin


@pytest.mark.e2e
def test_e2e_unsupported_skip_and_recorded(fixture_run):
    assert statuses(fixture_run, "not_offered") == {"fork": "skip", "spawn": "unsupported"}
    assert statuses(fixture_run, "recorded") == {"fork": "recorded", "spawn": "recorded"}


@pytest.mark.e2e
@pytest.mark.parametrize("name, line, value", [
    ("unclosed_block", 1, "not closed"), ("invalid_toml", 5, "invalid TOML"), ("unknown_key", 5, "'timout'"),
    ("wrong_type", 5, "'ten'"), ("unknown_start_method", 7, "'spwan'"), ("unknown_platform", 5, "'macos'"),
    ("unknown_selector", 7, "'os'"), ("bad_specifier", 7, "'3.8+'"), ("bad_regex", 9, "invalid regex"),
    ("never_matches", 8, "can never match"), ("not_utf8", 2, "not UTF-8"),
])
def test_e2e_malformed_inputs_are_error_cells(fixture_run, name, line, value):
    cells = fixture_run.cells()[name]
    assert {c["status"] for c in cells} == {"error"} and len(cells) == 2
    message = cells[0]["message"]
    assert message.startswith(str(HOSTILE / "malformed" / f"{name}.py") + f":{line}: ") and value in message, message
    assert f"{name}.py:{line}:" in fixture_run.stderr  # told at once, too


@pytest.mark.e2e
def test_e2e_duplicate_case_names(fixture_run):
    assert statuses(fixture_run, "same_name") == {"fork": "recorded", "spawn": "recorded"}
    duplicate = str(HOSTILE / "malformed" / "dup_b" / "same_name.py")
    cells = fixture_run.cells()[duplicate]  # named by its path: it must not merge with the original into `flaky`
    assert {c["status"] for c in cells} == {"error"} and "duplicate case name 'same_name'" in cells[0]["message"]


@pytest.mark.e2e
def test_e2e_report_of_the_run(fixture_run, tmp_path):
    done = mpmatrix("report", str(fixture_run.out / "results.json"), "--format", "json")
    assert done.returncode == 1 and json.loads(done.stdout)["cells"]


@pytest.mark.e2e
def test_e2e_all_pass_is_exit_0(tmp_path):
    done = mpmatrix("run", str(CASES / "pass_simple.py"), str(CASES / "recorded.py"), "--python", "current", "-m", "spawn",
                    out=tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pass_simple" in done.stdout and f"results: {tmp_path / 'out' / 'results.json'}" in done.stdout


# -- input errors are messages and exit 2 (issue 11) -------------------------------------------------------------


def results_file(tmp_path, breakage):
    from test_results import result, run_of
    from harness.results import write_run

    path = tmp_path / "results.json"
    write_run(run_of(result("a")), path)
    data = json.loads(path.read_text())
    breakage(data)
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["cells"][0].update(status="bogus"), "at cells/0/status: 'bogus' is not one of"),
    (lambda d: d["cells"][0].pop("stdout"), "at cells/0: 'stdout' is a required property"),
    (lambda d: d["cells"][0].update(python=3.12), "at cells/0/python: 3.12 is not of type 'string'"),
    (lambda d: d["cells"][0].pop("claim"), None),  # optional in the schema: read with its empty value
])
@pytest.mark.parametrize("command", ["report", "claims", "run --out", "run --resume"])
def test_a_results_file_that_does_not_fit_the_schema_is_exit_2_even_without_jsonschema(
        capsys, tmp_path, monkeypatch, breakage, message, command):
    import sys

    monkeypatch.setitem(sys.modules, "jsonschema", None)  # as on an install without the test extras
    path = results_file(tmp_path, breakage)
    if command == "report":
        code, _, err = main(capsys, "report", str(path))
    elif command == "claims":
        code, _, err = main(capsys, "claims", str(path), "-o", str(tmp_path / "c.md"))
    else:
        case = write_case(tmp_path / "cases", "a.py", HEAD)
        option = command.split()[1]
        code, _, err = main(capsys, "run", str(case), "--python", "current", "-m", "fork", option, str(tmp_path))
    if message is None:
        assert code in (0, 1), err
    elif command == "run --out":  # a new run only reads the old file for durations: it is replaced, not an error
        assert code in (0, 1)
    else:
        assert code == 2 and f"{path}: does not match the results schema: {message}" in err


@pytest.mark.parametrize("output, message", [
    ("{tmp}", "a folder; expected a file name"),
    ("{tmp}/file/report.md", "{tmp}/file is a file, not a folder"),
    ("/proc/mpmatrix-report.md", "cannot write it ("),
])
def test_every_output_file_problem_is_named(capsys, tmp_path, output, message):
    (tmp_path / "file").write_text("in the way")
    path = results_file(tmp_path, lambda d: None)
    target = output.format(tmp=tmp_path)
    code, _, err = main(capsys, "report", str(path), "-o", target)
    expected = message.format(tmp=tmp_path).replace("/", os.sep)  # the folder in the way, as the system spells it
    assert code == 2 and f"mpmatrix: error: -o {target}: {expected}" in err


@pytest.mark.e2e
def test_a_case_file_name_of_any_bytes_is_run_and_recorded(tmp_path):
    import os

    folder = tmp_path / "cases"
    folder.mkdir()
    name = os.fsdecode(b"b\xffd.py")
    (folder / name).write_text('# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# ///\nprint("ok")\n')
    done = mpmatrix("run", str(folder), "--python", "current", "-m", "fork", "-q", out=tmp_path / "out")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    (cell,) = done.results()["cells"]
    assert cell["case_path"] == str(folder / name) and cell["status"] == "recorded"
    report = mpmatrix("report", str(tmp_path / "out"))
    assert report.returncode == 0 and "b\\xffd" in report.stdout


UNSAFE = ["\x1b", "\x07", "\u202e", "\u2066"]


@pytest.mark.e2e
def test_no_escape_sequence_or_bidi_control_from_a_case_reaches_the_terminal_or_markdown(tmp_path):
    folder = tmp_path / "cases"
    claim = "evil \\u001b]0;pwned\\u0007 claim \\u202eright-to-left\\u2066"
    case = write_case(folder, "evil\x1b[2J.py", f'claim = "{claim}"\nsource = "s"\nids = ["S1", "Z\\u001b[31m9"]\n'
                      '\n[expect]\nstdout = "x"\n', code="print('\\x1b[31m' + 'y' * 200_000 + '\\u202e')\n")
    outputs = {
        "list": mpmatrix("list", str(folder)),
        "show": mpmatrix("show", str(case)),
        "run": mpmatrix("run", str(folder), "--python", "current", "-m", "fork", out=tmp_path / "out"),
    }
    outputs["report"] = mpmatrix("report", str(tmp_path / "out"))
    outputs["report md"] = mpmatrix("report", str(tmp_path / "out"), "--format", "md")
    (tmp_path / "none.md").write_text("| S1 | a claim |\n")
    outputs["claims"] = mpmatrix("claims", str(tmp_path / "out"), "--claims-file", str(tmp_path / "none.md"))
    for command, done in outputs.items():
        text = done.stdout + done.stderr
        assert "Traceback" not in text, (command, text[-2000:])
        assert not [c for c in UNSAFE if c in text], (command, [c for c in UNSAFE if c in text])
        if command in ("run", "report"):  # the 200,000-character line of output, in the diff, is clipped
            assert max(len(line) for line in text.splitlines()) < 1000 and "more characters)" in text, command
    assert "evil\\x1b[2J" in outputs["list"].stdout and "\\u202eright-to-left" in outputs["show"].stdout
    (heading,) = [line for line in outputs["claims"].stdout.splitlines() if line.startswith("### Z")]
    assert heading == "### Z\\\\x1b\\[31m9"  # an ID only a case names: inert in the Markdown too


def test_claims_and_html_report_take_claims_files_repeatedly_and_group_by_them(capsys, tmp_path):
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from test_render_synthetic import demo_run

    results = tmp_path / "results.json"
    results.write_text(json.dumps(demo_run().to_json()), encoding="utf-8")
    blog = tmp_path / "blog.md"
    blog.write_text("# The blog post\n\n| ID | claim |\n|---|---|\n| S1 | Queues work. |\n")
    docs = tmp_path / "docs.md"
    docs.write_text("# The docs\n\n| ID | claim |\n|---|---|\n| S2 | Pool.apply raises. |\n")
    code, out, _ = main(capsys, "claims", str(results), "--claims-file", str(blog), "--claims-file", str(docs))
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("## ")] == ["## The blog post", "## The docs", "## Claims in no claims file"]
    code, _, _ = main(capsys, "report", str(results), "--format", "html", "--claims-file", str(blog), "--claims-file",
                      str(docs), "-o", str(tmp_path / "report.html"))
    assert code == 1  # the demo run has failures
    out = (tmp_path / "report.html").read_text(encoding="utf-8")
    import re

    assert re.findall(r'<tr class="group"><th colspan="\d+" scope="colgroup"><span>(.*?)</span>', out) == [
        "The blog post", "The docs", "Claims in no claims file"]
    code, _, err = main(capsys, "claims", str(results), "--claims-file", str(tmp_path / "nope.md"))
    assert code == 2 and "cannot read the claims file" in err


@pytest.mark.e2e
def test_a_case_name_with_a_newline_or_a_tab_cannot_forge_a_line_of_any_output(tmp_path):
    """A failing case whose file name holds `\\n✓ pass` and a tab: every command prints it as one escaped line
    (`\\n`, `\\t`); before, `run`, `list` and `report` printed it raw and the failing case showed a passing row."""
    folder = tmp_path / "cases"
    case = write_case(folder, "evil\n✓  pass\tforged.py", 'claim = "a\\n✓ claim"\nsource = "s"\nids = ["S1"]\n'
                      '\n[expect]\nstdout = "x"\n', code="print('y')\n")
    outputs = {
        "list": mpmatrix("list", str(folder)),
        "show": mpmatrix("show", str(case)),
        "run": mpmatrix("run", str(folder), "--python", "current", "-m", "fork", out=tmp_path / "out"),
        "report": mpmatrix("report", str(tmp_path / "out")),
    }
    assert outputs["run"].returncode == 1, outputs["run"].stderr
    for command, done in outputs.items():
        lines = (done.stdout + done.stderr).splitlines()
        assert not [line for line in lines if line.lstrip().startswith("✓  pass") or "\t" in line], (command, lines)
        assert any("evil\\n✓  pass\\tforged" in line for line in lines), (command, lines)
    assert "claim:  a\\n✓ claim" in outputs["show"].stdout


def test_a_stream_that_cannot_write_the_symbols_writes_utf8_and_one_that_can_is_left_alone():
    """A Windows pipe or file is cp1252 unless PYTHONUTF8=1: the first ✓ raised UnicodeEncodeError there."""
    import io

    from harness.cli import streams_that_can_say_it

    pipe = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", errors="strict")
    wide = io.TextIOWrapper(io.BytesIO(), encoding="utf-16")  # writes every symbol: left alone
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="strict")
    streams_that_can_say_it([pipe, wide, latin, io.StringIO()])
    pipe.write("✓ pass\n")
    pipe.flush()
    assert pipe.buffer.getvalue() == ("✓ pass" + os.linesep).encode("utf-8")  # the stream's newline kept: \r\n on Windows
    assert (wide.encoding, latin.encoding) == ("utf-16", "utf-8")  # latin-1 cannot write ✓ either
