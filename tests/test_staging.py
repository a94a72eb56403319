"""An interpreter that does not see the harness's files (a chroot, a container) runs copies of them, and its output
reads as if it had run the originals (harness/staging.py, execute.view)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import mpmatrix, write_case
from harness import execute, staging
from harness.execute import BOOTSTRAP, Limits, run_cell
from harness.model import Cell, Interpreter

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="the wrapper is a POSIX shell script")
CHROOT = "/opt/newest-pythons/bin/python3.14"  # binds /proc, /dev, /work, /tmp and /root alone (its header)


def test_the_answer_is_one_flag_per_path_and_an_unreadable_one_counts_as_seen() -> None:
    assert staging.seen("101\n", 3) == [True, False, True]
    assert staging.seen("a banner first\n010\n", 3) == [False, True, False]
    assert staging.seen("", 3) == [True, True, True]
    assert staging.seen("01\n", 3) == [True, True, True]
    assert staging.seen("0x1\n", 3) == [True, True, True]


def test_a_copy_holds_the_regular_files_of_the_folder_and_its_subfolders(tmp_path: Path) -> None:
    source = tmp_path / "cases"
    (source / "helpers").mkdir(parents=True)
    (source / "__pycache__").mkdir()
    (source / "one.py").write_text("print(1)\n")
    (source / "helpers" / "__init__.py").write_text("X = 1\n")
    (source / "__pycache__" / "one.cpython-312.pyc").write_bytes(b"\0")
    try:
        (source / "link.py").symlink_to(source / "one.py")
    except OSError:  # Windows without the privilege to make links
        pass
    if hasattr(os, "mkfifo"):
        os.mkfifo(source / "pipe")  # a reader of a pipe would wait for ever: left out
    target = tmp_path / "copy"
    staging.copy_folder(str(source), str(target))
    copied = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert copied == ["helpers/__init__.py", "one.py"]


def test_a_folder_over_the_bounds_is_refused_with_its_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(staging, "COPY_LIMIT_FILES", 2)
    for name in "abc":
        (tmp_path / "src").mkdir(exist_ok=True)
        (tmp_path / "src" / f"{name}.py").write_text("")
    with pytest.raises(staging.NotSeen, match=r"src is too large to copy \(3 files"):
        staging.copy_folder(str(tmp_path / "src"), str(tmp_path / "copy"))


def test_output_naming_the_copies_reads_as_the_originals(tmp_path: Path) -> None:
    case_dir = tmp_path / "cases"
    case_dir.mkdir()
    (case_dir / "demo.py").write_text("")
    stage = staging.stage(BOOTSTRAP, str(case_dir), str(tmp_path / "staged"))
    assert Path(stage.bootstrap).read_bytes() == Path(BOOTSTRAP).read_bytes()
    copy = stage.case(str(case_dir / "demo.py"))
    assert os.path.isfile(copy) and copy != str(case_dir / "demo.py")
    text = f'  File "{copy}", line 1\n  File "{stage.bootstrap}", line 2\n'
    assert stage.back(text) == f'  File "{case_dir / "demo.py"}", line 1\n  File "{BOOTSTRAP}", line 2\n'
    here = staging.Stage(BOOTSTRAP, str(case_dir))
    assert here.case("/x/demo.py") == "/x/demo.py" and here.back(text) == text


def _wrapper(tmp_path: Path, answer: str) -> str:
    """An interpreter's wrapper script whose interpreter, it says, does not see what `answer` marks 0 (the
    visibility probe is its only `-c` command); everything else runs in this Python."""
    script = tmp_path / "wrapped-python"
    script.write_text(f'#!/bin/sh\nif [ "$3" = -c ]; then echo {answer}; exit 0; fi\nexec "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    return str(script)


def _cell(tmp_path: Path, wrapper: str, name: str = "where") -> Cell:
    folder = tmp_path / f"cases-{name}"
    folder.mkdir()
    (folder / "beside.py").write_text("VALUE = 'a module beside the case'\n")
    (folder / f"{name}.py").write_text(
        "import beside, os, sys\n"
        "print(__file__)\n"
        "print(beside.VALUE)\n"
        "sys.stdout.flush()\n"
        "raise SystemExit(open(os.path.join(os.path.dirname(__file__), 'beside.py')).read().strip())\n")
    interpreter = Interpreter(wrapper, version=".".join(map(str, sys.version_info[:3])))
    return Cell(name, str(folder / f"{name}.py"), interpreter, "spawn")


@POSIX
def test_a_cell_whose_interpreter_does_not_see_the_case_runs_a_copy_and_reads_as_in_place(tmp_path: Path) -> None:
    cell = _cell(tmp_path, _wrapper(tmp_path, "001"))
    observation = run_cell(cell, Limits(timeout=30))
    assert observation.exit == 1 and not observation.harness_error, observation
    assert observation.stdout.splitlines() == [cell.case_path, "a module beside the case"]
    assert "VALUE = 'a module beside the case'" in observation.stderr
    assert "mpmatrix-staged-" not in observation.stdout + observation.stderr


@POSIX
def test_a_cell_whose_interpreter_sees_the_case_runs_it_in_place(tmp_path: Path) -> None:
    cell = _cell(tmp_path, _wrapper(tmp_path, "111"))
    observation = run_cell(cell, Limits(timeout=30))
    assert observation.stdout.splitlines() == [cell.case_path, "a module beside the case"]
    assert execute.view(cell) == staging.Stage(BOOTSTRAP, os.path.dirname(cell.case_path))


@POSIX
def test_an_interpreter_that_sees_nothing_of_the_harness_is_an_error_naming_what_it_does_not_see(tmp_path) -> None:
    cell = _cell(tmp_path, _wrapper(tmp_path, "010"))
    observation = run_cell(cell, Limits(timeout=30))
    assert observation.exit is None and not observation.stdout
    assert observation.harness_error.startswith(f"{cell.interpreter.executable} does not see {BOOTSTRAP}: ")
    assert "TMPDIR" in observation.harness_error
    with pytest.raises(staging.NotSeen):  # asked once: the answer is kept for the run
        execute.view(cell)


def test_an_interpreters_own_executable_is_not_asked(tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("no probe for an executable that is not a script")

    monkeypatch.setattr(execute, "run_quick", refuse)
    cell = Cell("demo", str(tmp_path / "demo.py"), Interpreter(sys.executable), "spawn")
    assert execute.view(cell) == staging.Stage(BOOTSTRAP, str(tmp_path))


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32" or not os.access(CHROOT, os.X_OK),
                    reason="no chroot wrapper on this machine (a Linux program)")
def test_a_chroot_interpreter_runs_a_case_from_a_folder_it_does_not_bind(tmp_path: Path) -> None:
    # /var/tmp is not among the folders the chroot binds; the run's own temporary folder (under /tmp) is
    folder = Path(tempfile.mkdtemp(prefix="mpmatrix-unbound-", dir="/var/tmp"))
    try:
        case = write_case(folder, "unbound.py", 'claim = "c"\nsource = "s"\nids = ["S1"]\n',
                          code="import sys\nprint(__file__)\nprint(sys.version_info[:2])\n")
        run = mpmatrix("run", str(case), "-p", CHROOT, "-q", out=tmp_path / "out", timeout=120)
        assert run.returncode == 0, run.stderr
        cells = run.cells()["unbound"]
        assert len(cells) == 3 and all(c["exit"] == "0" for c in cells), cells
        # the copy ran, and its output names the case as it lies here: the normaliser made its folder <case>
        assert {c["stdout"] for c in cells} == {"<case>/unbound.py\n(3, 14)\n"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
