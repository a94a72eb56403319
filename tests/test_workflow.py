"""The GitHub workflow (.github/workflows/matrix.yml): its matrix is the one matrix.toml declares, every job names
tox envs that tox.ini has, and the Linux jobs' shell steps run here, against this machine's interpreters, as a
runner would run them, so that a job that would fail on its first push fails here first.

How a Linux job runs here: `actions/checkout` is a copy of this working tree; `actions/setup-python` is a fresh
venv made from the local interpreter of that version (pyenv's 3.8-3.13, /usr/bin/pypy3.9; the
/opt/newest-pythons wrappers cannot host a venv, and no free-threaded build is installed: those jobs are only
checked for their env names); `upload-artifact` and `download-artifact` copy folders. Every `run:` script gets its
`${{ matrix.* }}`, `${{ steps.* }}` and `${{ runner.* }}` values substituted and runs under bash as the runner
runs it (`bash --noprofile --norc -eo pipefail` for `shell: bash`, `bash -e` otherwise), with GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and RUNNER_OS set. The heavy tail is made cheap through the environment alone, the scripts
untouched: PYTEST_ADDOPTS="-k pool_queue_argument" (tox.ini passes it on) makes each tox env run one case, after
tox has created every env and installed the project in it for real; the tests job gets PYTEST_ADDOPTS=
"--collect-only", so it installs the test extras and collects the whole suite without running it (it would run
this file again).
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pytest
import yaml

from harness.target import DEFAULT_TARGET, load_target

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "matrix.yml"
OS_PLATFORM = {"ubuntu-latest": "linux", "macos-latest": "darwin", "windows-latest": "win32"}
RUNNER_OS = {"ubuntu-latest": "Linux", "macos-latest": "macOS", "windows-latest": "Windows"}
CHEAP_CASE = "pool_queue_argument"
BASH = shutil.which("bash")

needs_bash = pytest.mark.skipif(BASH is None or sys.platform == "win32", reason="the workflow's scripts need bash")


def load_workflow() -> Dict[str, Any]:
    with open(WORKFLOW, encoding="utf-8") as f:
        return yaml.safe_load(f)


def matrix_entries(job: Mapping[str, Any]) -> List[Dict[str, str]]:
    """The job's matrix as GitHub expands it: the product of its lists, minus `exclude`, plus `include`."""
    matrix = dict(job.get("strategy", {}).get("matrix", {}))
    exclude = matrix.pop("exclude", [])
    include = matrix.pop("include", [])
    keys = list(matrix)
    entries = [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))]
    entries = [e for e in entries if not any(all(e.get(k) == v for k, v in x.items()) for x in exclude)]
    return [{k: str(v) for k, v in e.items()} for e in entries + list(include)]


def step_named(job: Mapping[str, Any], step_id: str) -> Dict[str, Any]:
    return next(step for step in job["steps"] if step.get("id") == step_id)


def expected_env_names(python: str, os_name: str) -> List[str]:
    """What a job must run, composed independently of the workflow's bash: 3.13t -> py313t, pypy3.10 -> pypy310."""
    interpreter = ("pypy" + python[len("pypy"):] if python.startswith("pypy") else "py" + python).replace(".", "")
    methods = ["spawn"] if os_name == "windows-latest" else ["fork", "spawn", "forkserver"]
    return [f"{interpreter}-{method}" for method in methods]


# -- expressions and steps, as a runner reads them -------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_COMPARISON = re.compile(r"^(?P<left>.+?)\s*(?P<op>==|!=)\s*(?P<right>.+)$")


def evaluate(expression: str, context: Mapping[str, Any]) -> Any:
    """The few expression forms the workflow's steps use; anything else is an error, so that a new form is noticed."""
    expression = expression.strip()
    if expression in ("always()", "success()"):
        return True  # a failed step ends the job here, so every step that runs follows successes
    comparison = _COMPARISON.match(expression)
    if comparison:
        left, right = evaluate(comparison["left"], context), evaluate(comparison["right"], context)
        return (left == right) == (comparison["op"] == "==")
    if len(expression) >= 2 and expression[0] == expression[-1] == "'":
        return expression[1:-1]
    value: Any = context
    for part in expression.split("."):
        if not isinstance(value, Mapping):
            raise KeyError(f"cannot evaluate ${{{{ {expression} }}}}: {part!r} of a non-object")
        if part not in value:
            if isinstance(value, Outputs):
                return ""  # an output no step wrote is empty, as on GitHub
            raise KeyError(f"cannot evaluate ${{{{ {expression} }}}} here: no {part!r}")
        value = value[part]
    return value


class Outputs(dict):
    """A step's outputs: one it never wrote reads as ''."""


def substitute(text: str, context: Mapping[str, Any]) -> str:
    return _EXPRESSION.sub(lambda m: str(evaluate(m.group(1), context)), text)


def read_outputs(path: Path) -> Outputs:
    """`name=value` lines of GITHUB_OUTPUT (the `name<<EOF` form is not used by this workflow)."""
    outputs = Outputs()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "<<" in line.split("=", 1)[0]:
                raise AssertionError(f"multi-line output {line!r}: teach read_outputs the heredoc form")
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


@dataclass
class Step:
    """What a step did: its name, whether it ran, its exit status and output."""

    name: str
    ran: bool
    status: int = 0
    output: str = ""


@dataclass
class Job:
    """One job of the workflow run here: its folder, environment, step outputs and artifacts."""

    name: str
    entry: Dict[str, str]
    work: Path
    artifacts: Path
    extra_env: Dict[str, str] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)  # the workflow's and the job's `env`, as GitHub merges them
    path_dirs: List[str] = field(default_factory=list)
    steps: Dict[str, Outputs] = field(default_factory=dict)
    log: List[Step] = field(default_factory=list)
    summary: Optional[Path] = None

    def context(self) -> Dict[str, Any]:
        return {"matrix": self.entry, "steps": {k: {"outputs": v} for k, v in self.steps.items()}, "runner": {"os": "Linux"}}


class InterpreterMissing(Exception):
    """setup-python asked for an interpreter this machine cannot provide for a venv."""


def local_interpreter(version: str) -> Optional[str]:
    """The local interpreter setup-python's version stands for, if one can host a virtualenv here."""
    pyenv = Path.home() / ".pyenv" / "versions"
    if version.startswith("pypy"):
        minor = version[len("pypy"):]
        found = [f"/usr/bin/pypy{minor}"] + sorted(glob.glob(str(pyenv / f"pypy{minor}*" / "bin" / "pypy3")))
    elif version.endswith("t"):
        found = sorted(glob.glob(str(pyenv / f"{version[:-1]}.*t" / "bin" / f"python{version}")))
    else:
        found = sorted(p for p in glob.glob(str(pyenv / f"{version}.*" / "bin" / f"python{version}")) if "t/bin" not in p)
    usable = (p for p in found if os.access(p, os.X_OK) and (not version.startswith("pypy") or has_headers(p)))
    return next(usable, None)


def has_headers(interpreter: str) -> bool:
    """Whether the interpreter can build C extensions: setup-python's PyPy can, and the job's venv builds psutil
    and regex from source on PyPy. Debian's pypy3 has its headers only with pypy3-dev (which .ci/run installs)."""
    probe = "import os, sysconfig; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"
    completed = subprocess.run([interpreter, "-c", probe], capture_output=True, text=True, env=clean_environ())
    return completed.stdout.strip() == "True"


def clean_environ() -> Dict[str, str]:
    """The runner's environment: no venv of ours, no PYTHON* settings, no newest-pythons wrappers on PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "TOX", "PYTEST", "COV_", "COVERAGE", "MPMATRIX"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if "newest-pythons" not in p and not p.startswith(str(ROOT)))
    env.update(CI="true", GITHUB_ACTIONS="true", RUNNER_OS="Linux")
    return env


def run_job(name: str, job: Mapping[str, Any], entry: Dict[str, str], base: Path, extra_env: Dict[str, str]) -> Job:
    """Run one job's steps in order; a failing step ends it (AssertionError with its output)."""
    label = "-".join([name] + [entry[k] for k in sorted(entry)]).replace("/", "_")
    run = Job(name, entry, base / "jobs" / label, base / "artifacts", dict(extra_env))
    run.env = job_environment(job, entry)
    run.work.mkdir(parents=True)
    run.artifacts.mkdir(exist_ok=True)
    run.summary = run.work.parent / f"{label}.summary.md"
    for index, step in enumerate(job["steps"]):
        title = step.get("name") or step.get("uses") or f"step {index + 1}"
        if "if" in step and not evaluate(step["if"], run.context()):
            run.log.append(Step(title, ran=False))
            continue
        if "uses" in step:
            outputs = run_action(run, step)
            run.log.append(Step(title, ran=True))
        else:
            outputs = run_script(run, step, title)
        if step.get("id"):
            run.steps[step["id"]] = outputs
    return run


def job_environment(job: Mapping[str, Any], entry: Mapping[str, str]) -> Dict[str, str]:
    """The variables every step of the job gets: the workflow's `env`, then the job's over it (a step's own `env`
    goes over both), with `${{ matrix.* }}` substituted."""
    context = {"matrix": dict(entry)}
    merged = {**(load_workflow().get("env") or {}), **(job.get("env") or {})}
    return {k: substitute(str(v), context) for k, v in merged.items()}


def run_action(run: Job, step: Mapping[str, Any]) -> Outputs:
    action = step["uses"].split("@")[0]
    given = {k: substitute(str(v), run.context()) for k, v in (step.get("with") or {}).items()}
    if action == "actions/checkout":
        files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                               capture_output=True).stdout.decode().split("\0")
        for name in filter(None, files):
            source = ROOT / name
            if source.is_file():
                (run.work / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, run.work / name)
        return Outputs()
    if action == "actions/setup-python":
        version = given["python-version"]
        interpreter = local_interpreter(version)
        if interpreter is None:
            raise InterpreterMissing(version)
        venv = run.work.parent / f"{run.work.name}.python"
        # The stdlib's venv seeds pip as setup-python's interpreters have it; Debian's PyPy has no ensurepip, so
        # virtualenv seeds that one (its newest release seeds no CPython older than 3.9).
        if "pypy" in Path(interpreter).name:
            command = [sys.executable, "-m", "virtualenv", "-q", "-p", interpreter, str(venv)]
        else:
            command = [interpreter, "-m", "venv", str(venv)]
        subprocess.run(command, check=True, env=clean_environ())
        run.path_dirs.insert(0, str(venv / "bin"))
        python = next(p for p in (venv / "bin" / "python", venv / "bin" / "pypy3") if p.exists())
        return Outputs({"python-path": str(python), "python-version": version})
    if action == "actions/upload-artifact":
        source = run.work / given["path"]
        target = run.artifacts / given["name"]
        if source.is_dir():
            shutil.copytree(source, target)
        return Outputs()
    if action == "actions/download-artifact":
        pattern = re.compile(re.escape(given["pattern"]).replace(r"\*", ".*") + "$")
        destination = run.work / given["path"]
        destination.mkdir(parents=True, exist_ok=True)
        for artifact in sorted(run.artifacts.iterdir()):
            if pattern.match(artifact.name):
                assert given.get("merge-multiple") == "True" or given.get("merge-multiple") == "true"
                shutil.copytree(artifact, destination, dirs_exist_ok=True)
        return Outputs()
    raise AssertionError(f"the workflow uses {action}, which this test cannot stand in for")


def run_script(run: Job, step: Mapping[str, Any], title: str) -> Outputs:
    context = run.context()
    script = substitute(step["run"], context)
    env = clean_environ()
    env["PATH"] = os.pathsep.join(run.path_dirs + [env["PATH"]])
    env.update(run.env)
    env.update({k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()})
    env.update(run.extra_env)
    output_file = run.work.parent / f"{run.work.name}.output"
    output_file.write_text("")
    env["GITHUB_OUTPUT"] = str(output_file)
    env["GITHUB_STEP_SUMMARY"] = str(run.summary)
    shell = step.get("shell")
    argv = [BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", script] if shell == "bash" else [BASH, "-e", "-c", script]
    assert shell in (None, "bash"), f"{title}: shell {shell!r} on Linux"
    completed = subprocess.run(argv, cwd=run.work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", timeout=1200)
    run.log.append(Step(title, True, completed.returncode, completed.stdout))
    if completed.returncode != 0:
        raise AssertionError(f"{run.name} {run.entry}: step {title!r} failed with status {completed.returncode}:\n"
                             f"{completed.stdout[-6000:]}")
    return read_outputs(output_file)


# -- the matrix and the env names, for every job ---------------------------------------------------------------


def test_the_workflow_matrix_is_the_declared_target() -> None:
    cases = load_workflow()["jobs"]["cases"]
    target = load_target(str(ROOT / DEFAULT_TARGET))
    # a flavoured platform (Windows CPython under Wine) is run by .ci/run on Linux, not by a runner of its own
    declared = {p.platform: (set(p.pythons), set(p.start_methods)) for p in target.platforms if "-" not in p.platform}
    assert {p.platform for p in target.platforms} - set(declared) == {"win32-wine8.0", "win32-wine10.0"}
    ran: Dict[str, set] = {}
    for entry in matrix_entries(cases):
        ran.setdefault(OS_PLATFORM[entry["os"]], set()).add(entry["python"])
    assert {platform: pythons for platform, (pythons, _) in declared.items()} == ran
    for os_name, platform in OS_PLATFORM.items():
        methods = {name.rsplit("-", 1)[1] for name in expected_env_names("3.12", os_name)}
        assert declared[platform][1] == methods, platform


def test_the_matrix_covers_todays_pythons() -> None:
    pythons = {e["python"] for e in matrix_entries(load_workflow()["jobs"]["cases"])}
    assert pythons == {f"3.{minor}" for minor in range(8, 16)} | {"3.13t", "3.14t", "3.15t"} | {"pypy3.9", "pypy3.10", "pypy3.11"}
    assert {e["os"] for e in matrix_entries(load_workflow()["jobs"]["cases"])} == set(OS_PLATFORM)


def test_every_job_that_runs_on_windows_writes_utf8() -> None:
    """A Windows step's output is a pipe, cp1252 to Python unless PYTHONUTF8=1 (or PYTHONIOENCODING): Windows CPython
    under Wine raised UnicodeEncodeError at mpmatrix's first ✓ there."""
    jobs = load_workflow()["jobs"]
    on_windows = {name: [e for e in matrix_entries(job) if e.get("os") == "windows-latest"] for name, job in jobs.items()}
    assert {name for name, entries in on_windows.items() if entries} == {"cases", "tests"}
    for name, entries in on_windows.items():
        for entry in entries:
            env = job_environment(jobs[name], entry)
            assert env.get("PYTHONUTF8") == "1" or env.get("PYTHONIOENCODING", "").lower().startswith("utf"), (name, entry)


@pytest.fixture(scope="module")
def tox_envs(tmp_path_factory: pytest.TempPathFactory) -> str:
    """tox's own list of the envs tox.ini declares (what the workflow's check compares names against)."""
    completed = subprocess.run([sys.executable, "-m", "tox", "list", "--no-desc"], cwd=ROOT, capture_output=True,
                               text=True, check=True, env=clean_environ())
    return completed.stdout


def compose_names(python: str, os_name: str, tox_list: str, tmp_path: Path) -> Tuple[int, str, str]:
    """Run the workflow's env-naming step for one job; tox itself is stood in for by its real `tox list` output."""
    job = load_workflow()["jobs"]["cases"]
    step = step_named(job, "envs")
    fake = tmp_path / "python"
    (tmp_path / "tox-list.txt").write_text(tox_list)
    fake.write_text(f'#!/bin/sh\n[ "$*" = "-m tox list --no-desc" ] || exit 9\ncat "{tmp_path / "tox-list.txt"}"\n')
    fake.chmod(0o755)
    output = tmp_path / "output"
    output.write_text("")
    context = {"matrix": {"os": os_name, "python": python}, "steps": {"python": {"outputs": {"python-path": str(fake)}}},
               "runner": {"os": RUNNER_OS[os_name]}}
    env = dict(clean_environ(), GITHUB_OUTPUT=str(output), RUNNER_OS=RUNNER_OS[os_name])
    env.update({k: substitute(str(v), context) for k, v in step["env"].items()})
    completed = subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", substitute(step["run"], context)],
                               env=env, cwd=tmp_path, capture_output=True, text=True)
    return completed.returncode, read_outputs(output).get("names", ""), completed.stdout + completed.stderr


@needs_bash
def test_every_job_composes_env_names_that_tox_ini_declares(tox_envs: str, tmp_path: Path) -> None:
    declared = set(tox_envs.split())
    entries = matrix_entries(load_workflow()["jobs"]["cases"])
    assert len(entries) == 3 * 14
    for entry in entries:
        status, names, output = compose_names(entry["python"], entry["os"], tox_envs, tmp_path)
        assert status == 0, output
        assert names.split(",") == expected_env_names(entry["python"], entry["os"]), entry
        assert set(names.split(",")) <= declared
        assert not any(name.startswith("pypypy") for name in names.split(","))


@needs_bash
@pytest.mark.parametrize("python", ["pypy3.12", "3.16", "3.12t"])
def test_a_job_for_an_interpreter_tox_ini_lacks_fails_at_once(tox_envs: str, tmp_path: Path, python: str) -> None:
    status, names, output = compose_names(python, "ubuntu-latest", tox_envs, tmp_path)
    assert status == 1 and names == ""
    assert f"::error::tox.ini has no env {expected_env_names(python, 'ubuntu-latest')[0]} for {python} on Linux" in output


# -- the Linux jobs, run here ----------------------------------------------------------------------------------

# The Linux jobs run on Linux only (on Windows, under Wine too, /usr/bin/pypy3.9 would be found and started)
LOCAL_PYTHONS = [e["python"] for e in matrix_entries(load_workflow()["jobs"]["cases"])
                 if e["os"] == "ubuntu-latest" and sys.platform.startswith("linux") and local_interpreter(e["python"])]


@pytest.fixture(scope="module")
def linux_jobs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """Every Linux `cases` job whose interpreter is here (two at a time), then `report` on their artifacts, and `tests`."""
    if "3.8" not in LOCAL_PYTHONS:
        pytest.skip("no pyenv CPython 3.8 here: the Linux jobs cannot run")
    base = tmp_path_factory.mktemp("workflow")
    jobs = load_workflow()["jobs"]
    linux = [e for e in matrix_entries(jobs["cases"]) if e["os"] == "ubuntu-latest"]
    # the jobs' own mpmatrix cache (timings, environments), as a runner has its own: never the user's, where an
    # environment made from a tox env's Python would outlive that env
    cheap = {"PYTEST_ADDOPTS": f"-k {CHEAP_CASE}", "MPMATRIX_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}

    def cases(entry: Dict[str, str]) -> Any:
        try:
            return run_job("cases", jobs["cases"], entry, base, cheap)
        except InterpreterMissing as missing:
            return missing

    with ThreadPoolExecutor(max_workers=2) as pool:
        ran = dict(zip((e["python"] for e in linux), pool.map(cases, linux)))
    report = run_job("report", jobs["report"], {}, base, {})
    tests = run_job("tests", jobs["tests"], {"os": "ubuntu-latest"}, base, {"PYTEST_ADDOPTS": "--collect-only -q"})
    return {"cases": ran, "report": report, "tests": tests, "artifacts": base / "artifacts"}


@pytest.mark.e2e
@pytest.mark.workflow
@needs_bash
def test_linux_cases_jobs_run_for_every_local_interpreter(linux_jobs: Dict[str, Any]) -> None:
    ran = linux_jobs["cases"]
    skipped = sorted(p for p, job in ran.items() if isinstance(job, InterpreterMissing))
    assert sorted(p for p in ran if p not in skipped) == sorted(LOCAL_PYTHONS)
    assert {"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"} <= set(LOCAL_PYTHONS)
    for python in LOCAL_PYTHONS:
        job = ran[python]
        assert [s.name for s in job.log if s.ran and s.status == 0] == [
            "actions/checkout@v4", "actions/setup-python@v5", "Install tox into the Python under test",
            "Name the tox envs of this interpreter and OS", "Run the cases under each start method this OS offers",
            "Upload the results, whatever the cases did"]
        folder = linux_jobs["artifacts"] / f"results-ubuntu-latest-{python}"
        names = expected_env_names(python, "ubuntu-latest")
        assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}-linux.json" for name in names)
        for name in names:
            cells = json.loads((folder / f"{name}-linux.json").read_text(encoding="utf-8"))["cells"]
            assert [(c["case"], c["status"], c["start_method"]) for c in cells] == [(CHEAP_CASE, "pass", name.rsplit("-", 1)[1])]
            assert cells[0]["implementation"] == ("pypy" if python.startswith("pypy") else "cpython")
            assert cells[0]["python"].startswith(python.replace("pypy", "") + ".")


@pytest.mark.e2e
@pytest.mark.workflow
@needs_bash
def test_the_pypy_job_runs_here_where_pypy_can_build_extensions(linux_jobs: Dict[str, Any]) -> None:
    """The pypy3.9 job's venv builds psutil and regex from source: it needs PyPy's headers, which a machine set up
    by the README has only with pypy3-dev (.ci/run installs it). Where they are missing this says so and skips."""
    pypy = "/usr/bin/pypy3.9"
    if not os.access(pypy, os.X_OK):
        pytest.skip("no PyPy 3.9 here (Debian: apt-get install pypy3 pypy3-dev): the pypy3.9 job was not run")
    if not has_headers(pypy):
        pytest.skip("PyPy 3.9 is here without its headers (Debian: apt-get install pypy3-dev): its job builds psutil "
                    "and regex from source, so it was not run")
    assert "pypy3.9" in LOCAL_PYTHONS and linux_jobs["cases"]["pypy3.9"].log


@pytest.mark.e2e
@pytest.mark.workflow
@needs_bash
def test_linux_report_job_merges_the_artifacts_and_shows_what_was_not_observed(linux_jobs: Dict[str, Any]) -> None:
    report = linux_jobs["report"]
    summary = report.summary.read_text(encoding="utf-8")
    assert summary.startswith("# mpmatrix report")
    assert f"{3 * len(LOCAL_PYTHONS)} cells: {3 * len(LOCAL_PYTHONS)} pass; 0 failing" in summary
    assert "Linux<br>PyPy 3.9<br>F" in summary and "Linux<br>CPython 3.8<br>F" in summary
    assert "Not observed (" in summary and "darwin (all of it); win32 (all of it)" in summary
    assert (report.work / "results" / "report.html").is_file()
    assert report.steps["markdown"].get("cells-failed", "") == ""
    assert [s.name for s in report.log if not s.ran] == ["Fail when any cell failed"]


@pytest.mark.e2e
@pytest.mark.workflow
@needs_bash
def test_linux_tests_job_installs_and_collects_the_suite(linux_jobs: Dict[str, Any]) -> None:
    tests = linux_jobs["tests"]
    ran = [s for s in tests.log if s.ran]
    assert [s.name for s in ran][-1] == "The full suite"
    assert re.search(r"\d+ tests? collected", ran[-1].output)
    assert [s.name for s in tests.log if not s.ran] == ["Unit tests"]
