"""The newcomer's walk of docs/writing-cases.md (docs/walk/walk.py): its comparison of a walk with the guide, and,
marked workflow, the walk itself, for real: a wheel installed in a fresh venv outside the repository, every
command of the guide run in order with the guide's exit statuses, and the outputs compared with the guide's."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WALK = ROOT / "docs" / "walk" / "walk.py"


def load_walk():
    spec = importlib.util.spec_from_file_location("walk", WALK)
    module = importlib.util.module_from_spec(spec)
    sys.modules["walk"] = module
    spec.loader.exec_module(module)
    return module


walk = load_walk()


def guide(**bodies: str) -> str:
    return "".join(f"text\n<!-- walk:{name} -->\n{body}<!-- /walk -->\n" for name, body in bodies.items())


def test_durations_and_the_order_tox_ends_its_envs_in_are_not_differences() -> None:
    one = ("```console\n$ tox -p\npy39-fork: OK ✔ in 1 minute 26.6 seconds\npy312-fork: OK ✔ in 17.91 seconds\n"
           "  py39-fork: OK (86.60=setup[74.79]+cmd[11.81] seconds)\n"
           "  py312-fork: OK (91.84=setup[78.77]+cmd[13.08] seconds)\n  congratulations :) (119.97 seconds)\n"
           "33 cells in 8.6 s: 33 pass; 0 failing\n```\n")
    two = ("```console\n$ tox -p\npy312-fork: OK ✔ in 20.1 seconds\n"
           "  py312-fork: OK (21.00=setup[0.30]+cmd[20.70] seconds)\n"
           "  py39-fork: OK (19.69=setup[0.29]+cmd[19.40] seconds)\n  congratulations :) (22.1 seconds)\n"
           "33 cells in 11.6 s: 33 pass; 0 failing\n```\n")
    assert walk.compare(guide(tox=one), guide(tox=two)) == []


def test_durations_of_other_widths_are_not_differences() -> None:
    """The `took` block right-aligns its durations: 2.6 s in one walk is 12.6 s in the next."""
    one = "```text\n   2.6 s  exit 0  $ python3 -m venv venv\n 125.4 s in all\n```\n"
    two = "```text\n  12.6 s  exit 0  $ python3 -m venv venv\n  99.0 s in all\n```\n"
    assert walk.compare(guide(took=one), guide(took=two)) == []
    assert walk.compare(guide(took=one), guide(took=two.replace("exit 0", "exit 1"))) != []
def test_failing_cells_that_end_together_may_be_reported_in_either_order() -> None:
    one = "```console\n$ mpmatrix run\nFAIL: a [spawn] exit\n    stderr: x\nFAIL: a [forkserver] exit\n    stderr: y\n\nend\n```\n"
    two = "```console\n$ mpmatrix run\nFAIL: a [forkserver] exit\n    stderr: y\nFAIL: a [spawn] exit\n    stderr: x\n\nend\n```\n"
    assert walk.compare(guide(m3=one), guide(m3=two)) == []
    three = two.replace("stderr: y", "stderr: z")
    assert walk.compare(guide(m3=one), guide(m3=three)) != []


def test_pytest_banners_centred_around_paths_of_other_lengths_are_not_differences() -> None:
    one = "```console\n$ pytest\n------------------------- generated xml file: <walk>/results/junit.xml ------------------------\n```\n"
    two = "```console\n$ pytest\n--------------------- generated xml file: <walk>/results/junit.xml ----------------------\n```\n"
    assert walk.compare(guide(p=one), guide(p=two)) == []
    assert walk.compare(guide(p=one), guide(p=two.replace("junit", "other"))) != []


def test_a_changed_line_of_output_is_a_difference_named_by_its_block() -> None:
    before = guide(m1="```console\n$ mpmatrix run\n33 cells in 8.6 s: 33 pass; 0 failing\n```\n")
    after = guide(m1="```console\n$ mpmatrix run\n33 cells in 9.1 s: 32 pass, 1 fail; 1 failing\n```\n")
    (problem,) = walk.compare(before, after)
    assert problem.startswith("block m1:") and "+33 cells in <t>: 32 pass, 1 fail; 1 failing" in problem


def test_the_guide_and_the_walk_must_have_the_same_blocks() -> None:
    with pytest.raises(walk.WalkError, match=r"guide lacks: \['extra'\].*did not make: \['m1'\]"):
        walk.fill(guide(m1="old\n"), {"extra": ["$ true"]})
    filled = walk.fill(guide(m1="old\n"), {"m1": ["$ mpmatrix run", "```python\nprint()\n```"]})
    assert filled == "text\n<!-- walk:m1 -->\n```console\n$ mpmatrix run\n```\n\n```python\nprint()\n```\n<!-- /walk -->\n"


def test_every_block_of_the_guide_is_one_the_walk_makes() -> None:
    """Each `walk.run`/`show_file`/`export` names a block; the guide has each of them, once."""
    text = (ROOT / "docs" / "writing-cases.md").read_text()
    names = [m["name"] for m in walk.BLOCK.finditer(text)]
    assert len(names) == len(set(names)), "a block name twice in the guide"
    source = WALK.read_text()
    made = {a or b for a, b in re.findall(r'w\.(?:run|show_file|export)\("([\w-]+)"|w\.blocks\["([\w-]+)"\]', source)}
    assert made == set(names)


def test_the_walks_shell_is_not_a_ci_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under CI, tox -p shows every env's whole output and its packages (CI's walk once differed so from the
    guide): the walk's commands run as on a newcomer's machine, without the variables that say CI."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("MPMATRIX_WORKERS", "7")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = walk.Walk(tmp_path / "walk", log=False).environment()
    assert not {"CI", "GITHUB_ACTIONS", "MPMATRIX_WORKERS"} & set(env)
    assert env["LANG"] == "C.UTF-8"
    assert env["PATH"].split(os.pathsep)[0] == str(tmp_path / "walk" / "venv" / "bin")


@pytest.mark.e2e
@pytest.mark.workflow
def test_the_guide_is_what_the_walk_prints() -> None:
    """The whole walk (about 10 minutes on 2 cores; tox installs pytest and multiprocess from PyPI). On a machine
    whose interpreters are not the guide's, the outputs cannot be the guide's: skipped, saying which differ."""
    proc = subprocess.run([sys.executable, str(WALK), "--check", "--quiet"], capture_output=True, text=True,
                          timeout=3600)
    if proc.returncode == walk.OTHER_MACHINE:
        pytest.skip(proc.stderr.strip().splitlines()[0] + " (`python3 docs/walk/walk.py --check` shows the diff)")
    assert proc.returncode == 0, proc.stderr[-6000:]
