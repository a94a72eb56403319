"""Environments of cases with dependencies: the cache (reuse without any process, interrupted builds, answers kept
like a lock file), the resolver's one-line answers, and (e2e) real environments made with uv and with venv + pip,
for this interpreter and through a chroot wrapper."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

from conftest import DATA, mpmatrix
from harness import environments, execute
from harness.casefile import load_case
from harness.environments import BuildFailed, Installer, Launch, Request, Unavailable
from harness.model import Interpreter, Status
from harness.plan import environment_key, plan

DEPS = DATA / "deps"
SIX = DEPS / "six_version.py"
ATTRS = DEPS / "attrs_unsupported.py"
INTERPRETER = Interpreter(sys.executable, "cpython", "3.12.1")


class FakeInstaller(Installer):
    """Resolves every requirement to version 1.0 and makes a folder; says what it was asked to do."""

    name = "fake"

    def __init__(self, unavailable: str = "", fail: str = "", pins: Optional[Tuple[str, ...]] = None) -> None:
        self.unavailable, self.fail, self.pins = unavailable, fail, pins
        self.calls: List[str] = []

    def resolve(self, request: Request, workdir: Path) -> Optional[Tuple[str, ...]]:
        self.calls.append(f"resolve {' '.join(request.requirements)}")
        if self.unavailable:
            raise Unavailable(self.unavailable)
        if self.pins is not None:
            return self.pins
        return tuple(f"{r.split('=')[0].split('>')[0]}==1.0" for r in request.requirements)

    def build(self, request: Request, pins: Optional[Tuple[str, ...]], path: Path) -> Launch:
        self.calls.append(f"build {path.name}")
        if self.fail:
            raise BuildFailed(self.fail)
        path.mkdir(parents=True)
        (path / "site-packages").mkdir()
        (path / "python-of").write_text("")  # the environment's Python: reuse checks that it is still there
        packages = {pin.split("==")[0]: pin.split("==")[1] for pin in pins or ()}
        return Launch((str(path / "python-of"), str(path)), (str(path / "site-packages"),), packages)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeInstaller:
    installer = FakeInstaller()
    monkeypatch.setattr(environments, "installer", lambda environ=os.environ: installer)
    return installer


def request(*requirements: str, requires_python: str = "") -> Request:
    return Request(INTERPRETER, tuple(requirements), requires_python)


def test_an_environment_is_made_once_and_then_reused_without_any_process(fake: FakeInstaller, monkeypatch) -> None:
    lines: List[str] = []
    made = environments.prepare([request("six==1.16.*")], lines.append)
    environment = made[environment_key(INTERPRETER, ("six==1.16.*",))]
    assert environment.packages == (("six", "1.0"),) and environment.python[0] == os.path.join(environment.path,
                                                                                                "python-of")
    assert fake.calls[0] == "resolve six==1.16.*" and fake.calls[1].startswith("build fake-")
    assert lines[0].startswith("environments: making 1 with fake") and lines[-1].startswith("environments: 1 made")

    def no_process(*args, **kwargs):
        raise AssertionError("a warm cache starts no process")

    monkeypatch.setattr(execute, "run_tool", no_process)
    fake.calls.clear()
    lines.clear()
    again = environments.prepare([request("six==1.16.*")], lines.append)
    assert again == made and fake.calls == []
    assert lines == [lines[0]] and lines[0].startswith("environments: 1 reused in")


def test_a_kept_environment_whose_python_is_gone_is_made_again(fake: FakeInstaller) -> None:
    """A venv's python links to the interpreter it was made from: made from a tox env's, it dangles once that env is
    removed. Reused as it was, every cell of it failed to start; it is made again."""
    made = environments.prepare([request("six==1.16.*")])
    (environment,) = made.values()
    os.unlink(environment.python[0])  # the interpreter it linked to was removed
    fake.calls.clear()
    again = environments.prepare([request("six==1.16.*")])
    (remade,) = again.values()
    assert [c.split(" ")[0] for c in fake.calls] == ["build"] and os.path.exists(remade.python[0])


def test_requests_resolving_to_the_same_versions_share_one_environment(fake: FakeInstaller) -> None:
    fake.pins = ("six==1.17.0",)
    made = environments.prepare([request("six==1.17.*"), request("six")])
    assert len({e.path for e in made.values()}) == 1
    assert sum(1 for call in fake.calls if call.startswith("build")) == 1


def test_a_resolution_is_kept_like_a_lock_file(fake: FakeInstaller) -> None:
    environments.prepare([request("six")])
    shutil.rmtree(next(environments.envs_dir().glob("fake-*")))
    fake.calls.clear()
    fake.pins = ("six==9.9",)  # a newer release appeared: the kept resolution is installed again, not re-resolved
    made = environments.prepare([request("six")])
    assert [c.split()[0] for c in fake.calls] == ["build"]
    assert dict(made[environment_key(INTERPRETER, ("six",))].packages) == {"six": "1.0"}


def test_an_interrupted_build_is_made_again(fake: FakeInstaller) -> None:
    environments.prepare([request("six")])
    folder = next(environments.envs_dir().glob("fake-*"))
    (folder / environments.MARKER).unlink()  # as a build killed before its marker was written leaves it
    fake.calls.clear()
    environments.prepare([request("six")])
    assert fake.calls == [f"build {folder.name}"]


def test_the_resolvers_no_is_kept_and_a_failure_is_not(fake: FakeInstaller) -> None:
    fake.unavailable = "numpy>=1.26.0,<=1.26.4 has no usable wheels"
    made = environments.prepare([request("numpy==1.26.*")])
    assert made[environment_key(INTERPRETER, ("numpy==1.26.*",))].unavailable == fake.unavailable
    fake.calls.clear()
    environments.prepare([request("numpy==1.26.*")])
    assert fake.calls == []  # the answer is kept: no resolver asked again
    fake.unavailable, fake.fail = "", "uv pip install failed (exit 2): error: Failed to fetch"
    lines: List[str] = []
    failed = environments.prepare([request("six")], lines.append)
    assert failed[environment_key(INTERPRETER, ("six",))].error.startswith("uv pip install failed")
    assert "1 failed (their cells are errors)" in lines[-1]
    fake.fail, fake.calls = "", []
    environments.prepare([request("six")])
    assert [c.split()[0] for c in fake.calls] == ["build"]  # tried again: the failure was not kept


def test_requires_python_excludes_an_interpreter_without_asking_a_resolver(fake: FakeInstaller) -> None:
    made = environments.prepare([request("six", requires_python=">=3.13")])
    assert made[environment_key(INTERPRETER, ("six",), ">=3.13")].unavailable == \
        "the case's requires-python '>=3.13' excludes Python 3.12.1"
    assert fake.calls == []


def test_cells_get_the_resolved_versions_as_their_variant_and_unavailable_ones_are_unsupported(fake: FakeInstaller) -> None:
    from harness.judge import before_running

    case = load_case(str(SIX))
    found = environments.prepare(environments.requests_for([case], [INTERPRETER]))
    planned = plan([case], [], [INTERPRETER], environments=found)
    # two six choices x two flag values, one start method; but both choices resolved to six 1.0 here (the fake),
    # and a cell is where it ran: the two flag values are left
    variants = {p.cell.id.variant for p in planned}
    assert len(planned) == 2 and variants == {(("MPMATRIX_TEST_FLAG", v), ("six", "1.0")) for v in "ab"}
    cell = planned[0].cell
    assert cell.setting.packages == (("six", "1.0"),) and dict(cell.flags)["MPMATRIX_TEST_FLAG"] in ("a", "b")
    assert execute.python_command(cell)[0] == os.path.join(cell.environment.path, "python-of")
    env = execute.cell_environment({"PATH": "/usr/bin"}, cell)
    assert env["VIRTUAL_ENV"] == cell.environment.path and env["PATH"].endswith(os.pathsep + "/usr/bin")
    assert env["MPMATRIX_TEST_FLAG"] == dict(cell.flags)["MPMATRIX_TEST_FLAG"]
    assert before_running(planned[0]) is None

    fake.unavailable = "no wheel"
    attrs = load_case(str(ATTRS))
    other = Interpreter(sys.executable + "-other", "cpython", "3.12.1")
    found = environments.prepare(environments.requests_for([attrs], [other]))
    results = [before_running(p) for p in plan([attrs], [], [other], environments=found)]
    assert {r.status for r in results} == {Status.UNSUPPORTED}
    assert results[0].judged.message == "no environment for the case's dependencies here: no wheel"
    assert {r.cell.variant for r in results} == {(("attrs", "23.2.0"),), (("attrs", "999.*"),)}


def test_a_case_whose_environment_was_never_prepared_is_an_error_not_a_crash() -> None:
    from harness.judge import before_running

    result = before_running(plan([load_case(str(SIX))], [], [INTERPRETER])[0])
    assert result is not None and result.status is Status.ERROR and "not prepared" in result.judged.message


def test_requests_are_made_once_per_interpreter_and_choice_and_not_for_other_platforms() -> None:
    case = load_case(str(SIX))
    windows = Interpreter("python.exe", "cpython", "3.12.1", platform="win32")
    found = environments.requests_for([case, case], [INTERPRETER, windows])
    assert len(found) == 4  # two choices, two interpreters; the second copy of the case adds none
    from dataclasses import replace

    assert len(environments.requests_for([replace(case, platforms=("linux",))], [INTERPRETER, windows])) == 2


@pytest.mark.parametrize("stderr, answer", [
    ("error: No solution found when resolving dependencies\n  cause: Because numpy>=1.26.0,<=1.26.4 has no usable "
     "wheels and only the following versions of numpy are available:\n             numpy<1.26.dev0\n         we can "
     "conclude that numpy==1.26.* cannot be used.\n\nhint: Wheels are required for `numpy` because building from "
     "source is disabled", "numpy>=1.26.0,<=1.26.4 has no usable wheels"),
    ("error: No solution found when resolving dependencies\n  cause: Because the current Python version (3.8.18) does not "
     "satisfy Python>=3.9 and coverage==7.9.2 depends on Python>=3.9, we can conclude that coverage==7.9.2 cannot be "
     "used.", "the current Python version (3.8.18) does not satisfy Python>=3.9 and coverage==7.9.2 depends on "
     "Python>=3.9"),
    ("  cause: Because all of:\n numpy<=1.9.3\n have no usable wheels and only the following versions\nhint: You "
     "require PyPy 3.11 (`pp311`), but we only found wheels for `numpy` (v1.10.3) with the following Python "
     "implementation tags: `cp26`", "all of: numpy<=1.9.3 have no usable wheels; You require PyPy 3.11 (`pp311`), "
     "but we only found wheels for `numpy` (v1.10.3)"),
    ("ERROR: Could not find a version that satisfies the requirement attrs==999.* (from versions: 15.1.0, 15.2.0, "
     "26.1.0)\nERROR: No matching distribution found for attrs==999.*",
     "Could not find a version that satisfies the requirement attrs==999.* (from versions: 15.1.0 ... 26.1.0)"),
])
def test_the_resolvers_answer_is_one_line(stderr: str, answer: str) -> None:
    assert environments.resolver_answer(stderr) == answer


def test_an_offline_resolver_that_found_nothing_in_its_cache_is_a_failure_not_an_answer() -> None:
    completed = subprocess.CompletedProcess([], 1, "", "error: No solution found when resolving dependencies:\n  "
                                            "Because six was not found in the cache and you require six, we can "
                                            "conclude that your requirements are unsatisfiable.")
    assert isinstance(environments._failed(completed, "uv pip compile"), BuildFailed)


def test_disk_use_counts_a_linked_file_once(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 1000)
    os.link(tmp_path / "a", tmp_path / "b")
    assert environments.disk_use(tmp_path) == 1000


def test_mpmatrix_envs_lists_and_cleans(fake: FakeInstaller, capsys) -> None:
    from harness.cli import main

    environments.prepare([request("six")])
    assert main(["envs"]) == 0
    listed = capsys.readouterr().out
    assert "six==1.0" in listed and listed.strip().splitlines()[-1].startswith("1 environment, ")
    assert main(["envs", "--clean"]) == 0
    assert capsys.readouterr().out.startswith("removed 1 environment")
    assert list(environments.kept_environments()) == []


# -- real environments ----------------------------------------------------------------------------------------


def _pyenv(version: str) -> Optional[str]:
    found = sorted(Path.home().glob(f".pyenv/versions/{version}*/bin/python"))
    return str(found[-1]) if found else None


@pytest.mark.e2e
def test_uv_makes_one_environment_per_variant_and_the_cells_see_their_packages_and_flags(tmp_path: Path) -> None:
    run = mpmatrix("run", str(SIX), "-p", sys.executable, "-q", out=tmp_path / "out", timeout=300)
    assert run.returncode == 0, run.stderr
    assert "environments: making 2 with uv" in run.stderr and "environments: 2 made in" in run.stderr
    cells = run.cells()["six_version"]
    assert len(cells) == 4
    for cell in cells:
        six, flag = cell["variant"]["six"], cell["variant"]["MPMATRIX_TEST_FLAG"]
        assert cell["packages"] == {"six": six} and six.startswith(("1.16.", "1.17."))
        assert cell["stdout"] == f"six {six}\nflag {flag}\n"
    again = mpmatrix("run", str(SIX), "-p", sys.executable, "-q", out=tmp_path / "again", timeout=300)
    assert "environments: 2 reused in" in again.stderr and "making" not in again.stderr


@pytest.mark.e2e
def test_a_warm_cache_works_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = mpmatrix("run", str(SIX), "-p", sys.executable, "-q", out=tmp_path / "out", timeout=300)
    assert first.returncode == 0, first.stderr
    for folder in environments.envs_dir().glob("uv-*"):
        shutil.rmtree(folder)  # made again from the kept pins and uv's cache, without the network
    monkeypatch.setenv("UV_OFFLINE", "1")
    second = mpmatrix("run", str(SIX), "-p", sys.executable, "-q", out=tmp_path / "again", timeout=300)
    assert second.returncode == 0, second.stderr
    assert "environments: 2 made" in second.stderr
    assert [c["stdout"] for c in sorted(second.cells()["six_version"], key=lambda c: sorted(c["variant"].items()))] == \
        [c["stdout"] for c in sorted(first.cells()["six_version"], key=lambda c: sorted(c["variant"].items()))]


@pytest.mark.e2e
def test_unsupported_cells_carry_the_resolvers_answer_and_requires_python(tmp_path: Path) -> None:
    old = _pyenv("3.8")
    pythons = ["-p", sys.executable] + (["-p", old] if old else [])
    run = mpmatrix("run", str(ATTRS), *pythons, "-q", out=tmp_path / "out", timeout=300)
    assert run.returncode == 0, run.stderr
    cells = run.cells()["attrs_unsupported"]
    by_value = {}
    for cell in cells:
        by_value.setdefault((cell["python"][:3], cell["variant"]["attrs"]), cell)
    here = sys.version.split()[0][:3]
    assert by_value[(here, "23.2.0")]["stdout"] == "attrs 23.2.0\n"
    impossible = by_value[(here, "999.*")]
    assert impossible["status"] == "unsupported" and "you require attrs==999.*" in impossible["message"]
    if old:
        excluded = by_value[("3.8", "23.2.0")]
        assert excluded["status"] == "unsupported" and "requires-python '>=3.9' excludes Python 3.8" in excluded["message"]


@pytest.mark.e2e
def test_venv_and_pip_make_the_same_environment_where_uv_is_absent(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(environments.INSTALLER_ENV, "pip")
    case = tmp_path / "one.py"
    case.write_text(SIX.read_text(encoding="utf-8").replace('six = ["1.16.*", "1.17.*"]', 'six = ["1.16.*"]'),
                    encoding="utf-8")
    run = mpmatrix("run", str(case), "-p", sys.executable, "-q", out=tmp_path / "out", timeout=300)
    assert run.returncode == 0, run.stderr
    assert "with pip" in run.stderr
    assert {c["packages"]["six"] for c in run.cells()["one"]} == {"1.16.0"}


WRAPPER = "/opt/newest-pythons/bin/python3.14"  # a chroot wrapper (docs: the newest-pythons folder)


@pytest.mark.e2e
@pytest.mark.skipif(not os.access(WRAPPER, os.X_OK), reason="no chroot wrapper on this machine")
def test_a_chroot_interpreters_environment_is_reached_through_the_interpreter(tmp_path: Path) -> None:
    # mpmatrix's and uv's caches in a folder the chroot binds (/tmp: tmp_path is under it, as the wrapper's header
    # says), whatever $HOME or $XDG_CACHE_HOME this machine has: uv asks the interpreter about itself through a
    # script in its cache, and the venv must be seen from inside
    cache = tmp_path / "cache"
    run = mpmatrix("run", str(SIX), "-p", WRAPPER, "-q", out=tmp_path / "out", timeout=300,
                   env={"MPMATRIX_CACHE_DIR": str(cache), "UV_CACHE_DIR": str(tmp_path / "uv")})
    assert run.returncode == 0, run.stderr
    cells = run.cells()["six_version"]
    # each cell ran to its end: recorded (the case has no expectation) says nothing of its exit, nor of its stdout
    assert all(c["status"] in ("pass", "recorded") and c["exit"] == "0" for c in cells), \
        [(c["variant"], c["status"], c["exit"], c["message"], c["stdout"], c["stderr"][-2000:]) for c in cells]
    assert {c["stdout"].splitlines()[0] for c in cells} == {"six 1.16.0", "six 1.17.0"}
    marker = json.loads(next((cache / environments.ENVS_DIR).glob("uv-*/" + environments.MARKER)).read_text())
    assert marker["python"][:2] == [WRAPPER, "-S"]  # the shim: the venv's python exists inside the chroot only


@pytest.mark.e2e
def test_pytest_collects_a_variant_item_per_cell(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(str(SIX), "-p", "no:cacheprovider", "--collect-only", "-q")
    names = [line for line in result.outlines if "::" in line]
    assert len(names) == 4 and all("[MPMATRIX_TEST_FLAG=" in name and ",six=1.1" in name for name in names)


def test_an_environment_python_that_is_another_interpreter_is_reached_through_the_shim(tmp_path, monkeypatch) -> None:
    """A chroot's PyPy 3.11 venv links to /usr/bin/pypy3, which the host also has, as another PyPy: started
    directly it would run the wrong interpreter, so it is started through the interpreter that made it."""
    pypy = Interpreter("/opt/wrapper/pypy3.11", "pypy", "3.11.17")
    said = {"direct": {"implementation": "pypy", "version": "3.9.16"}, "shim": {"implementation": "pypy", "version": "3.11.17"}}
    tried = []

    def run_tool(argv, timeout, **kwargs):
        way = "shim" if argv[0] == pypy.executable else "direct"
        tried.append(way)
        info = dict(said[way], site_dirs=["/x/site-packages"], packages={}, prefix="/x", executable="/x/bin/python")
        return subprocess.CompletedProcess(argv, 0, json.dumps(info) + "\n", "")

    monkeypatch.setattr(execute, "run_tool", run_tool)
    launch = environments.probe_environment(tmp_path, pypy)
    assert tried == ["direct", "shim"]
    assert launch.python[:5] == (pypy.executable, "-S", "-E", "-c", environments.EXEC_SHIM)
    said["shim"]["version"] = "3.9.16"
    with pytest.raises(Unavailable) as caught:
        environments.probe_environment(tmp_path, pypy)
    assert "it is pypy 3.9.16, not pypy 3.11.17" in str(caught.value)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_end_tools_kills_a_running_installer_and_refuses_new_ones_until_allowed() -> None:
    import threading
    import time

    outcome = {}

    def slow() -> None:
        outcome["done"] = execute.run_tool([sys.executable, "-c", "import time; time.sleep(30)"], 60)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    execute.end_tools()
    thread.join(10)
    try:
        assert time.monotonic() - started < 5 and outcome["done"].returncode == -9
        with pytest.raises(OSError):
            execute.run_tool([sys.executable, "-c", "pass"], 10)
    finally:
        execute.allow_tools()
    assert execute.run_tool([sys.executable, "-c", "print(1)"], 10).stdout == "1\n"


def test_two_cases_with_the_same_requirements_and_other_requires_python_are_judged_apart(fake: FakeInstaller) -> None:
    allowed, excluded = request("six", requires_python=">=3.9"), request("six", requires_python=">=3.13")
    made = environments.prepare([allowed, excluded])
    assert not made[allowed.key].unavailable and made[excluded.key].unavailable
