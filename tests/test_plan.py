"""Tests for harness.plan: loading cases (broken and duplicate ones as errors) and the matrix of cells."""

from __future__ import annotations

import dataclasses
import os

from harness.model import Interpreter, Status
from harness.judge import before_running as decided  # what is decided of a planned cell before it runs
from harness.plan import load_cases, plan

from conftest import write_case

HEAD = 'claim = "c"\nsource = "s"\nids = ["S1"]\n'
LINUX = Interpreter(executable="py", version="3.12.1", platform="linux", start_methods=("fork", "spawn", "forkserver"))
WINDOWS = Interpreter(executable="py.exe", version="3.12.1", platform="win32", start_methods=("spawn",),
                      default_start_method="spawn")


def test_duplicate_case_names_are_an_error_naming_both_files(tmp_path):
    first = write_case(tmp_path / "a", "same.py", HEAD)
    second = write_case(tmp_path / "b", "same.py", HEAD)
    cases, broken = load_cases([str(tmp_path)])
    assert [c.path for c in cases] == [str(first)]
    ((path, error),) = broken
    assert path == str(second)
    assert str(error).startswith(f"{second}: duplicate case name 'same'") and str(first) in str(error)


def test_broken_and_missing_paths_never_raise(tmp_path):
    write_case(tmp_path, "good.py", HEAD)
    write_case(tmp_path, "bad.py", HEAD + "timout = 1\n")
    cases, broken = load_cases([str(tmp_path), str(tmp_path / "nope")])
    assert [c.name for c in cases] == ["good"]
    assert sorted(os.path.basename(p) for p, _ in broken) == ["bad.py", "nope"]


def test_matrix_order_and_decided_cells(tmp_path):
    write_case(tmp_path, "a.py", HEAD)
    write_case(tmp_path, "b.py", HEAD + 'platforms = ["win32"]\n')
    write_case(tmp_path, "c.py", HEAD + "timeout = 'x'\n")
    cases, broken = load_cases([str(tmp_path)])
    planned = plan(cases, broken, [LINUX, WINDOWS])
    assert len(planned) == 2 * 3 * 3
    linux = planned[:9]
    assert [(p.cell.case_name, p.cell.start_method) for p in linux[:3]] == [("a", "fork"), ("a", "spawn"), ("a", "forkserver")]
    assert all(decided(p) is None for p in linux[:3])
    assert {decided(p).status for p in linux[3:6]} == {Status.SKIP}
    assert "win32 only" in decided(linux[3]).judged.message
    errors = linux[6:]
    assert {decided(p).status for p in errors} == {Status.ERROR} and "timeout" in decided(errors[0]).judged.message
    windows = {(p.cell.case_name, p.cell.start_method): decided(p) for p in planned[9:]}
    assert windows[("a", "fork")].status is Status.UNSUPPORTED
    assert "not offered by win32" in windows[("a", "fork")].judged.message
    assert windows[("a", "spawn")] is None and windows[("b", "spawn")] is None


def test_start_methods_and_repeat_narrow_and_multiply(tmp_path):
    write_case(tmp_path, "a.py", HEAD)
    cases, broken = load_cases([str(tmp_path)])
    planned = plan(cases, broken, [LINUX], ["spawn"], repeat=3)
    assert [(p.cell.start_method, p.cell.repeat_index) for p in planned] == [("spawn", 0), ("spawn", 1), ("spawn", 2)]
    assert len({p.cell.key for p in planned}) == 1  # repeats share a key, so they merge (or turn flaky)


def test_interpreter_without_forkserver_makes_it_unsupported(tmp_path):
    write_case(tmp_path, "a.py", HEAD)
    cases, broken = load_cases([str(tmp_path)])
    macos = dataclasses.replace(LINUX, platform="darwin", start_methods=("spawn", "fork"))
    statuses = {p.cell.start_method: decided(p) for p in plan(cases, broken, [macos])}
    assert statuses["forkserver"].status is Status.UNSUPPORTED and statuses["fork"] is None


def test_a_duplicates_error_cell_does_not_share_the_originals_key(tmp_path):
    write_case(tmp_path / "a", "same.py", HEAD)
    second = write_case(tmp_path / "b", "same.py", HEAD)
    cases, broken = load_cases([str(tmp_path)])
    planned = plan(cases, broken, [LINUX], ["fork"])
    original, duplicate = planned
    assert decided(original) is None and decided(duplicate).status is Status.ERROR
    assert duplicate.cell.key != original.cell.key and decided(duplicate).case.name == str(second)


def test_a_cells_key_is_the_key_of_its_result_for_every_implementation() -> None:
    """Resume skips recorded cells and the scheduler looks up durations by these keys: they must agree for PyPy too."""
    from harness.judge import result_of
    from harness.model import Cell, Interpreter, Judgement, Observation, Status
    from harness.plan import placeholder_case

    case = placeholder_case("cases/c.py")
    for interpreter in (Interpreter("/pypy", "pypy", "3.11.13"), Interpreter("/py", "cpython", "3.13.1", free_threaded=True)):
        cell = Cell(case.name, case.path, interpreter, "spawn")
        assert result_of(case, cell, Observation(), Judgement(Status.PASS, True)).key == cell.key


def test_a_case_under_the_default_start_method_runs_once_per_interpreter(tmp_path):
    write_case(tmp_path, "threads.py", HEAD + 'start_methods = ["default"]\n')
    write_case(tmp_path, "spawn_only.py", HEAD + 'start_methods = ["spawn"]\n')
    cases, broken = load_cases([str(tmp_path)])
    linux = dataclasses.replace(LINUX, default_start_method="fork")
    cells = [(p.cell.case_name, p.cell.start_method) for p in plan(cases, broken, [linux, WINDOWS])]
    assert cells == [("spawn_only", "spawn"), ("threads", "default"), ("spawn_only", "spawn"), ("threads", "default")]
    # With methods asked for (tox's envs), the default cell runs where the interpreter's default is among them.
    assert [(p.cell.case_name, p.cell.start_method) for p in plan(cases, broken, [linux], ["fork"])] == [("threads", "default")]
    assert [(p.cell.case_name, p.cell.start_method) for p in plan(cases, broken, [linux], ["spawn"])] == [("spawn_only", "spawn")]
    assert [p.cell.start_method for p in plan(cases, broken, [linux], ["default"])] == ["default"]
    # never `unsupported`: the default is offered wherever the interpreter runs at all
    assert all(decided(p) is None for p in plan(cases, broken, [WINDOWS]))


def test_start_methods_must_name_known_methods(tmp_path):
    write_case(tmp_path, "bad.py", HEAD + 'start_methods = ["spwan"]\n')
    write_case(tmp_path, "empty.py", HEAD + "start_methods = []\n")
    _, broken = load_cases([str(tmp_path)])
    messages = {os.path.basename(path): str(e) for path, e in broken}
    assert "empty.py:5: empty 'start_methods'" in messages["empty.py"]
    assert "bad.py:5: unknown start methods 'spwan' (did you mean 'spawn'?)" in messages["bad.py"]


def test_a_case_with_flags_and_no_dependencies_gets_a_cell_per_value_in_the_interpreter_itself():
    from harness.casefile import parse_case
    from harness.execute import bootstrap_argv, cell_environment

    case = parse_case('# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n#\n# [flags]\n# MY_FLAG = ["0", "1"]\n'
                      '# ///\n', "cases/c.py")
    interpreter = Interpreter("/usr/bin/python3", "cpython", "3.12.1")
    planned = plan([case], [], [interpreter], ["spawn"])
    assert [p.cell.id.variant for p in planned] == [(("MY_FLAG", "0"),), (("MY_FLAG", "1"),)]
    cell = planned[1].cell
    assert cell.environment is None and decided(planned[1]) is None
    assert bootstrap_argv(cell, 1.0, "dump")[0] == "/usr/bin/python3"
    env = cell_environment({"PATH": "/usr/bin"}, cell)
    assert env["MY_FLAG"] == "1" and env["PATH"] == "/usr/bin" and "VIRTUAL_ENV" not in env
