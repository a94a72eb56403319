"""End to end from a wheel: the package built and installed (not editable) into a fresh venv outside the repository,
a folder of one's own cases there, run with pytest (unique node IDs, a known bug as XFAIL, JUnit) and with mpmatrix
(results carry the known bug, a negative pattern fails naming its line, `mpmatrix claims` reports only these
claims). The current interpreter only, to stay fast."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict

import pytest

from conftest import write_case
from test_pytest_plugin import wheel_venv  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.e2e

METHOD = 'claim = "The cell runs with the start method it names."\nsource = "https://example.org/my-claims"\n' \
         'ids = ["MY1"]\n\n[expect]\nstdout = "fork"\nstdout_not = ["spawn[..]"]\n\n' \
         '[[expect.when]]\nstart_method = ["spawn"]\nstdout = "spawn"\n\n' \
         '[[expect.when]]\nstart_method = ["forkserver"]\nstdout = "forkserver"\n'
BUG = 'claim = "The work succeeds under every start method."\nsource = "https://example.org/my-claims#bug"\n' \
      'ids = ["MY2"]\n\n[expect]\nstdout = "ok"\nstderr_not = ["Traceback[..]"]\n\n' \
      '[[expect.when]]\nstart_method = ["spawn"]\nstdout = ""\nexception = "ValueError: spawn is broken here"\n' \
      'known_bug = "MY-7: spawn is broken here, https://example.org/issues/7"\n'
BUG_CODE = ('import multiprocessing as mp\nif mp.get_start_method() == "spawn":\n'
            '    raise ValueError("spawn is broken here")\nprint("ok")\n')
NEGATIVE = 'claim = "No method is named spawn."\nsource = "s"\nids = ["MY3"]\n\n[expect]\nstdout_not = ["sp[..]n"]\n'


@pytest.fixture
def own_folder(tmp_path: Path) -> Path:
    """A folder of one's own, outside the repository: cases/ with two cases of its own claims."""
    cases = tmp_path / "my-claims" / "cases"
    write_case(cases, "method.py", METHOD, "import multiprocessing as mp\nprint(mp.get_start_method())\n")
    write_case(cases, "sub" + os.sep + "bug.py", BUG, BUG_CODE)
    return tmp_path / "my-claims"


def _env() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COV_", "COVERAGE"))}


def _run(venv_python: Path, where: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv_python), *args], cwd=str(where), env=_env(), capture_output=True, text=True,
                          timeout=300)


def test_pytest_and_mpmatrix_on_a_folder_of_ones_own(wheel_venv: Path, own_folder: Path) -> None:  # noqa: F811
    pytest_run = _run(wheel_venv, own_folder, "-m", "pytest", "-p", "no:cacheprovider", "-v", "-rx", "cases",
                      "--junit-xml", "junit.xml")
    assert pytest_run.returncode == 0, pytest_run.stdout + pytest_run.stderr
    ids = [line.split(" ")[0] for line in pytest_run.stdout.splitlines() if line.startswith("cases/")]
    assert len(ids) == len(set(ids)) == 6
    assert "cases/sub/bug.py::spawn XFAIL (known bug: MY-7: spawn is broken here" in pytest_run.stdout
    assert "5 passed, 1 xfailed" in pytest_run.stdout
    junit = {(c.get("classname"), c.get("name")): [child.tag for child in c]
             for c in ET.parse(str(own_folder / "junit.xml")).getroot().iter("testcase")}
    assert junit[("cases.sub.bug", "spawn")] == ["skipped"] and junit[("cases.method", "fork")] == []

    mpmatrix = wheel_venv.parent / "mpmatrix"
    run = subprocess.run([str(mpmatrix), "run", "cases", "--python", "current", "--out", "out", "-q"],
                         cwd=str(own_folder), env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    cells = json.loads((own_folder / "out" / "results.json").read_text(encoding="utf-8"))["cells"]
    bug = {c["start_method"]: c for c in cells if c["case"] == "bug"}
    assert bug["spawn"]["known_bug"].startswith("MY-7") and bug["spawn"]["holds"] is None
    assert bug["fork"]["known_bug"] == "" and bug["fork"]["holds"] is True

    claims = subprocess.run([str(mpmatrix), "claims", "out"], cwd=str(own_folder), env=_env(), capture_output=True,
                            text=True, timeout=300)
    assert claims.returncode == 0, claims.stderr
    listed = {line.split("]")[0].lstrip("| [") for line in claims.stdout.splitlines() if line.startswith("| [")}
    assert listed == {"MY1", "MY2"}  # only the claims its cases name, none of the repository's S1-S26


def test_a_negative_pattern_fails_with_the_line_and_the_stderr_tail(wheel_venv: Path, own_folder: Path) -> None:  # noqa: F811
    write_case(own_folder / "cases", "negative.py", NEGATIVE,
               'import multiprocessing as mp, sys\nprint(mp.get_start_method())\nprint("to stderr", file=sys.stderr)\n'
               "sys.exit(3)\n")
    run = _run(wheel_venv, own_folder, "-m", "pytest", "-p", "no:cacheprovider", "-q", "cases/negative.py",
               "--start-method", "spawn")
    assert run.returncode == 1
    assert "fail: exit: expected 0, got 3; stdout_not: stdout line 1 'spawn' matches 'sp[..]n' (" in run.stdout
    assert "negative.py:7), a line that must not appear\nstderr:\n  to stderr" in run.stdout, run.stdout
