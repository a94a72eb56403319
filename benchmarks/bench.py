"""Time `mpmatrix run` against `tox -p auto` and against a bare `xargs -P` floor over the same cells, each beside its
limit: max(CPU of the whole run / cores, its longest cell).

Run from the repository root with the project's venv (the harness is imported to plan the floor's cells):

    .venv/bin/python benchmarks/bench.py                      # the matrix contenders, 3 repeats (tox cold: 1)
    .venv/bin/python benchmarks/bench.py --only harness,floor --repeat 5
    .venv/bin/python benchmarks/bench.py --only harness-env,tox-env   # `tox -e py312-spawn` warm against mpmatrix
    .venv/bin/python benchmarks/bench.py --only saturation     # two CPU spinners, --jobs 16: cells not passing
    .venv/bin/python benchmarks/bench.py --only help,scaling

The corpus is copied once at the start (others edit cases/ while this runs), and every contender runs that copy.
Figures go to standard output as a table and, with --json FILE, as data.  See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import execute  # noqa: E402  (after the path is set)
from harness.plan import load_cases  # noqa: E402

VENV_BIN = Path(sys.executable).parent
PYENV = Path.home() / ".pyenv" / "versions"
METHODS = ("fork", "spawn", "forkserver")
CONTENDERS = ("harness", "floor", "tox-cold", "tox-warm", "harness-env", "tox-env", "saturation", "help", "scaling")
DEFAULT_ONLY = ("harness", "floor", "tox-cold", "tox-warm", "harness-env", "tox-env", "help", "scaling")
FAILING = ("fail", "timeout", "crash", "leak", "flaky", "error")  # the statuses that are failures (model.Status)
SPINNER = "while True: pass"
SNAPSHOT_IGNORE = shutil.ignore_patterns(".git", ".tox", ".venv", "results", "build", "*.egg-info", "__pycache__",
                                         "node_modules", ".pytest_cache", ".coverage*")
# Runs the harness in-process and, at exit, writes its own rusage: the harness's CPU without its cells'.
SELF_USAGE = textwrap.dedent("""
    import atexit, json, os, resource, sys
    def _dump():
        u = resource.getrusage(resource.RUSAGE_SELF)
        with open(os.environ["MPMATRIX_BENCH_USAGE"], "w") as f:
            json.dump({"user": u.ru_utime, "sys": u.ru_stime, "maxrss_kb": u.ru_maxrss}, f)
    atexit.register(_dump)
    from harness.cli import main
    sys.argv[0] = "mpmatrix"
    sys.exit(main(sys.argv[1:]))
""")


def measure(argv: Sequence[str], cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None,
            stdout: Any = subprocess.DEVNULL) -> Dict[str, float]:
    """Wall time, and CPU time and max RSS of the process and every descendant it (or they) reaped (wait4)."""
    loadavg = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                               stderr=subprocess.STDOUT if stdout is not subprocess.DEVNULL else subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_mb": usage.ru_maxrss / 1024,
            "exit": process.returncode, "loadavg_before": loadavg, "loadavg_after": os.getloadavg()[0]}


def with_limit(figures: Dict[str, Any], durations: Sequence[float], cores: int) -> Dict[str, Any]:
    """The run's limit, max(its CPU / cores, its longest cell), and how far its wall is from it: no schedule of these
    cells on these cores can end sooner than either (the CPU is the whole run's: harness, tox or xargs included)."""
    longest = max(durations, default=0.0)
    limit = max(figures["cpu_s"] / cores, longest)
    figures.update(longest_cell_s=longest, cpu_per_core_s=figures["cpu_s"] / cores, limit_s=limit,
                   wall_per_limit=figures["wall_s"] / limit if limit > 0 else float("nan"))
    return figures


def failing_by_interpreter(cells: Sequence[Dict[str, Any]]) -> Dict[str, Dict[str, int]]:
    """{interpreter column: {status: count}} of the cells that did not pass (every column present, {} when none)."""
    out: Dict[str, Dict[str, int]] = {}
    for cell in cells:
        column = ("" if cell["implementation"] == "cpython" else cell["implementation"]) + ".".join(cell["python"].split(".")[:2])
        bad = out.setdefault(column, {})
        if cell["status"] in FAILING:
            bad[cell["status"]] = bad.get(cell["status"], 0) + 1
    return out


def snapshot(work: Path) -> Path:
    """A copy of the repository (cases, harness, tox.ini, pyproject) that nobody else edits while we time it."""
    copy = work / "repo"
    shutil.copytree(REPO, copy, ignore=SNAPSHOT_IGNORE, symlinks=True)
    return copy


def pythons(versions: Sequence[str]) -> List[Path]:
    found = []
    for version in versions:
        matches = sorted(PYENV.glob(f"{version}.*/bin/python{version}"))
        if not matches:
            sys.exit(f"bench: no ~/.pyenv/versions/{version}.*/bin/python{version}")
        found.append(matches[-1])
    return found


def planned_cells(cases_dir: Path, executables: Sequence[Path]) -> List[List[str]]:
    """The cells the harness would run (loadable cases, every method), as floor command lines."""
    cases, _ = load_cases([str(cases_dir)])
    return [[str(exe), execute.BOOTSTRAP, method, "0", "/dev/null", os.path.abspath(case.path)]
            for exe in executables for case in cases for method in METHODS if case.platforms is None or sys.platform in case.platforms]


# -- contenders -----------------------------------------------------------------------------------------------


def run_harness(cases_dir: Path, versions: Sequence[str], work: Path, extra: Sequence[str] = (),
                cores: int = 1, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """`mpmatrix run` (in-process behind SELF_USAGE) with -p for each version (none: every interpreter found)."""
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    usage_file = out / "usage.json"
    argv = [sys.executable, "-c", SELF_USAGE, "run", "--quiet", "--out", str(out / "results"), str(cases_dir)]
    for version in versions:
        argv += ["-p", version]
    argv += list(extra)
    figures = measure(argv, env={**(env or os.environ), "MPMATRIX_BENCH_USAGE": str(usage_file)})
    own = json.loads(usage_file.read_text())
    cells = json.loads((out / "results" / "results.json").read_text())["cells"]
    ran = [c for c in cells if c["status"] not in ("unsupported", "skip") and c.get("duration_s")]
    figures.update(cells=len(ran), statuses=_count(c["status"] for c in cells), self_cpu_s=own["user"] + own["sys"],
                   self_maxrss_mb=own["maxrss_kb"] / 1024, sum_cell_s=sum(c["duration_s"] for c in ran),
                   sum_cell_cpu_s=sum(c.get("cpu_s") or 0.0 for c in ran), failing=failing_by_interpreter(cells))
    figures["self_cpu_ms_per_cell"] = 1000 * figures["self_cpu_s"] / max(1, len(ran))
    # what is neither the harness process nor a cell: the keeper processes and the interpreter probes
    figures["keeper_cpu_s"] = max(0.0, figures["cpu_s"] - figures["self_cpu_s"] - figures["sum_cell_cpu_s"])
    shutil.rmtree(out, ignore_errors=True)
    return with_limit(figures, [c["duration_s"] for c in ran], cores)


def run_saturated(cases_dir: Path, versions: Sequence[str], work: Path, extra: Sequence[str], cores: int,
                  spinners: int, env: Dict[str, str]) -> Dict[str, Any]:
    """The harness while `spinners` processes of our own spin on the CPUs: which cells do not pass, per interpreter."""
    spinning = [subprocess.Popen([sys.executable, "-c", SPINNER], stdin=subprocess.DEVNULL) for _ in range(spinners)]
    try:
        figures = run_harness(cases_dir, versions, work, extra, cores, env)
    finally:
        for process in spinning:
            process.kill()
            process.wait()
    figures["not_passing"] = sum(sum(bad.values()) for bad in figures["failing"].values())
    return figures


def run_floor(cells: List[List[str]], work: Path, jobs: int) -> Dict[str, Any]:
    """xargs -P runs the bootstrap command of every cell in a fresh temp cwd; output is thrown away."""
    listing = work / "floor-cells.txt"
    listing.write_text("".join("\0".join(cell) + "\0" for cell in cells))
    timings = work / "floor-durations.txt"
    timings.write_text("")
    # each invocation gets one cell's 6 words; sh makes a fresh temp dir, runs it there (timed, in nanoseconds,
    # appended in one short write), removes it
    script = ('d=$(mktemp -d) && cd "$d" && s=$(date +%s%N) && "$@" >/dev/null 2>&1; e=$(date +%s%N); '
              f'echo $((e - s)) >> {shlex.quote(str(timings))}; cd / && rm -rf "$d"; exit 0')
    argv = ["xargs", "-0", "-n", "6", "-P", str(jobs), "-a", str(listing), "sh", "-c", script, "sh"]
    figures = measure(argv, env=execute.cell_environment(os.environ))
    figures["cells"] = len(cells)
    durations = [int(line) / 1e9 for line in timings.read_text().split() if line.strip().isdigit()]
    return with_limit(figures, durations, jobs)


def tox_env(extra_path: Sequence[Path]) -> Dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN)] + [str(p.parent) for p in extra_path] + [env.get("PATH", "")])
    env.pop("VIRTUAL_ENV", None)
    return env


def run_tox(repo: Path, versions: Sequence[str], workdir: Path, executables: Sequence[Path], cores: int = 1,
            envs: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """`tox -p auto` over every (version, method) env, or over `envs` (one env: no -p)."""
    envs = list(envs or [f"py{v.replace('.', '')}-{m}" for v in versions for m in METHODS])
    shutil.rmtree(repo / "results", ignore_errors=True)
    log = open(workdir.parent / f"{workdir.name}.log", "ab")
    parallel = ["-p", "auto"] if len(envs) > 1 else []
    argv = [str(VENV_BIN / "tox"), *parallel, "-c", str(repo / "tox.ini"), "--workdir", str(workdir), "-e", ",".join(envs)]
    figures = measure(argv, cwd=repo, env=tox_env(executables), stdout=log)
    log.close()
    cells: List[Dict[str, Any]] = []
    for path in (repo / "results").glob("*.json"):
        try:
            cells += json.loads(path.read_text()).get("cells", [])
        except ValueError:
            pass
    figures["cells"] = len(cells)
    figures["statuses"] = _count(c["status"] for c in cells)
    return with_limit(figures, [c.get("duration_s", 0.0) for c in cells], cores)


def env_version_method(env: str) -> Tuple[str, str]:
    """py312-spawn -> ("3.12", "spawn"): the interpreter and start method of a tox env of tox.ini."""
    factor, method = env.split("-", 1)
    digits = factor[2:]
    return f"{digits[0]}.{digits[1:]}", method


def time_help(runs: int = 20) -> Dict[str, float]:
    exe = str(VENV_BIN / "mpmatrix")
    for _ in range(3):
        subprocess.run([exe, "--help"], stdout=subprocess.DEVNULL, check=True)
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([exe, "--help"], stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - started)
    return {"median_ms": 1000 * statistics.median(walls), "min_ms": 1000 * min(walls), "max_ms": 1000 * max(walls), "runs": runs}


TRIVIAL_CASE = '''\
"""Synthetic benchmark case {n}: prints one line."""
# /// case
# claim = "Synthetic case {n} prints one line."
# source = "benchmarks/bench.py"
# ids = ["B{n}"]
# timeout = 10
#
# [expect]
# exit = 0
# stdout = """
# case {n} ran
# """
# ///
print("case {n} ran")
'''


def synthetic_corpus(work: Path, count: int) -> Path:
    folder = work / f"synthetic-{count}"
    folder.mkdir(exist_ok=True)
    for n in range(count):
        (folder / f"trivial_{n:04d}.py").write_text(TRIVIAL_CASE.format(n=n))
    return folder


# -- report ---------------------------------------------------------------------------------------------------


def _count(items: Any) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


def median_of(runs: List[Dict[str, Any]]) -> Dict[str, Any]:
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    out: Dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    out["n"] = len(runs)
    out["walls"] = [round(r["wall_s"], 2) for r in runs if "wall_s" in r]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DEFAULT_ONLY), help=f"comma-separated subset of {','.join(CONTENDERS)}")
    parser.add_argument("--python", default="3.8,3.9,3.10,3.11,3.12,3.13",
                        help="minor versions compared (tox envs exist for 3.8-3.15 only)")
    parser.add_argument("--harness-python", default="", help="the harness contender's interpreters when not those of "
                        "--python: comma-separated versions, or `all` for every interpreter the harness finds (the "
                        "full local matrix; put /opt/newest-pythons/bin on PATH for 3.14, 3.15 and PyPy 3.11)")
    parser.add_argument("--tox-env", default="py312-spawn", help="the env of the tox-env and harness-env contenders")
    parser.add_argument("--cache", choices=("warm", "cold"), default="warm", help="warm: one untimed harness run "
                        "first fills the bench's own timings cache; cold: every harness run starts with an empty one")
    parser.add_argument("--saturation-args", default="--jobs 16", help="`mpmatrix run` arguments of the saturation runs")
    parser.add_argument("--spinners", type=int, default=2, help="CPU-bound processes spinning during saturation runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender (median quoted)")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold tox runs (each builds 18 envs)")
    parser.add_argument("--scaling", default="10,100,1000", help="synthetic corpus sizes")
    parser.add_argument("--scaling-python", default="3.12")
    parser.add_argument("--scaling-method", default="fork")
    parser.add_argument("--harness-args", default="", help="extra `mpmatrix run` arguments, e.g. '--jobs 2'")
    parser.add_argument("--snapshot", metavar="DIR", help="use (or create) this copy of the repository, so separate "
                        "invocations time the same corpus")
    parser.add_argument("--json", metavar="FILE", help="also write every run's figures here")
    args = parser.parse_args()
    only = args.only.split(",")
    versions = args.python.split(",")
    executables = pythons(versions)
    harness_versions = [] if args.harness_python == "all" else (args.harness_python.split(",") if args.harness_python else versions)
    env_version, env_method = env_version_method(args.tox_env)
    jobs = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="mpmatrix-bench-"))
    if args.snapshot and Path(args.snapshot).exists():
        repo = Path(args.snapshot).resolve()
    else:
        repo = snapshot(work)
        if args.snapshot:
            shutil.copytree(repo, args.snapshot, symlinks=True)
            repo = Path(args.snapshot).resolve()
    cells = planned_cells(repo / "cases", executables)
    report: Dict[str, Any] = {
        "machine": {"cores": jobs, "platform": platform.platform(), "python": platform.python_version(),
                    "loadavg_at_start": os.getloadavg()},
        "pythons": [str(e) for e in executables], "cells": len(cells), "runs": {},
    }
    print(f"bench: {len(cells)} cells ({len(cells) // (3 * len(versions))} cases x {len(versions)} Pythons x 3 methods), "
          f"{jobs} cores, snapshot {repo}", file=sys.stderr)

    def record(name: str, figures: Dict[str, Any]) -> None:
        report["runs"].setdefault(name, []).append(figures)
        print(f"bench: {name}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()),
              file=sys.stderr, flush=True)

    cache = work / "timings-cache"  # the harness's timings cache (harness/timings.py), the bench's own

    def harness_env(fresh: bool) -> Dict[str, str]:
        if fresh:
            shutil.rmtree(cache, ignore_errors=True)
        return {**os.environ, "MPMATRIX_CACHE_DIR": str(cache)}

    cold = args.cache == "cold"
    if not cold and any(name in only for name in ("harness", "harness-env", "saturation")):
        print("bench: one untimed harness run fills the timings cache", file=sys.stderr)
        run_harness(repo / "cases", harness_versions, work, args.harness_args.split(), jobs, harness_env(True))
    if "help" in only:
        record("help", time_help())
    tox_work: Optional[Path] = None  # the first cold run's workdir, reused in place (venvs cannot be moved)
    tox_env_work = work / "tox-env"
    for index in range(args.repeat):  # interleaved, so a slow spell of the machine hits every contender
        if "harness" in only:
            record("harness", run_harness(repo / "cases", harness_versions, work, args.harness_args.split(), jobs,
                                          harness_env(cold)))
        if "floor" in only:
            record("floor", run_floor(cells, work, jobs))
        if "tox-cold" in only and index < args.cold_repeat:
            cold_dir = work / f"tox-cold-{index}"
            record("tox-cold", run_tox(repo, versions, cold_dir, executables, jobs))
            if tox_work is None:
                tox_work = cold_dir  # the first cold run's envs become the warm runs' envs
            else:
                shutil.rmtree(cold_dir, ignore_errors=True)
        if "tox-warm" in only:
            if tox_work is None:  # warm up once, untimed
                tox_work = work / "tox-warm"
                run_tox(repo, versions, tox_work, executables, jobs)
            record("tox-warm", run_tox(repo, versions, tox_work, executables, jobs))
        if "harness-env" in only:
            record("harness-env", run_harness(repo / "cases", [env_version], work, ["-m", env_method], jobs,
                                              harness_env(cold)))
        if "tox-env" in only:
            if index == 0:  # warm up once, untimed: the env is built and the plugin's timings cached
                run_tox(repo, [env_version], tox_env_work, pythons([env_version]), jobs, [args.tox_env])
            record("tox-env", run_tox(repo, [env_version], tox_env_work, pythons([env_version]), jobs, [args.tox_env]))
        if "saturation" in only:
            record("saturation", run_saturated(repo / "cases", harness_versions, work, args.saturation_args.split(),
                                               jobs, args.spinners, harness_env(cold)))
    if "scaling" in only:
        scaling_exe = pythons([args.scaling_python])
        for size in [int(s) for s in args.scaling.split(",")]:
            folder = synthetic_corpus(work, size)
            for _ in range(args.repeat if size < 1000 else 1):
                figures = run_harness(folder, [args.scaling_python], work, ["-m", args.scaling_method], jobs)
                floor = run_floor([[str(scaling_exe[0]), execute.BOOTSTRAP, args.scaling_method, "0", "/dev/null", str(p)]
                                   for p in sorted(folder.glob("*.py"))], work, jobs)
                figures["floor_wall_s"] = floor["wall_s"]
                figures["wall_ms_per_cell"] = 1000 * figures["wall_s"] / size
                figures["overhead_ms_per_cell"] = 1000 * (figures["wall_s"] - floor["wall_s"]) / size
                record(f"scaling-{size}", figures)

    summary = {name: median_of(runs) for name, runs in report["runs"].items()}
    report["medians"] = summary
    print_table(summary, report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(summary: Dict[str, Dict[str, Any]], report: Dict[str, Any]) -> None:
    machine = report["machine"]
    print(f"machine: {machine['cores']} cores, {machine['platform']}; {report['cells']} cells for floor and tox; load average at start "
          f"{', '.join(f'{x:.1f}' for x in machine['loadavg_at_start'])}")
    print(f"{'contender':<12} {'n':>2} {'wall s':>7} {'cpu s':>7} {'longest':>7} {'limit s':>7} {'wall/limit':>10} "
          f"{'load':>5} {'maxrss MB':>9}  walls")
    for name in ("harness", "floor", "tox-cold", "tox-warm", "harness-env", "tox-env", "saturation"):
        if name in summary:
            s = summary[name]
            rss = s.get("self_maxrss_mb", s["maxrss_mb"])
            print(f"{name:<12} {s['n']:>2} {s['wall_s']:>7.1f} {s['cpu_s']:>7.1f} {s.get('longest_cell_s', 0):>7.1f} "
                  f"{s.get('limit_s', 0):>7.1f} {s.get('wall_per_limit', 0):>10.2f} {s['loadavg_before']:>5.1f} "
                  f"{rss:>9.1f}  {s['walls']}")
    h = summary.get("harness")
    if h:
        print(f"harness own CPU: {h['self_cpu_s']:.2f} s = {h['self_cpu_ms_per_cell']:.2f} ms/cell over {h['cells']:.0f} "
              f"cells; cells' CPU {h['sum_cell_cpu_s']:.1f} s; keepers and probes {h['keeper_cpu_s']:.1f} s")
        for name, label in (("floor", "harness / floor"), ("tox-cold", "tox cold / harness"), ("tox-warm", "tox warm / harness")):
            if name in summary:
                ratio = h["wall_s"] / summary[name]["wall_s"] if name == "floor" else summary[name]["wall_s"] / h["wall_s"]
                print(f"{label}: {ratio:.2f}")
    if "harness-env" in summary and "tox-env" in summary:
        print(f"tox-env warm / harness-env: {summary['tox-env']['wall_s'] / summary['harness-env']['wall_s']:.2f}")
    for run in report["runs"].get("saturation", []):
        print(f"saturation: {run['not_passing']} cells not passing; by interpreter: "
              + ", ".join(f"{tag} {sum(bad.values())}" + (f" {bad}" if bad else "") for tag, bad in sorted(run["failing"].items())))
    if "help" in summary:
        print(f"mpmatrix --help: median {summary['help']['median_ms']:.0f} ms")
    for name, s in summary.items():
        if name.startswith("scaling-"):
            print(f"{name}: wall {s['wall_s']:.2f} s ({s['wall_ms_per_cell']:.1f} ms/cell), floor {s['floor_wall_s']:.2f} s, "
                  f"overhead {s['overhead_ms_per_cell']:.1f} ms/cell, harness CPU {s['self_cpu_ms_per_cell']:.2f} ms/cell, "
                  f"harness max RSS {s['self_maxrss_mb']:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
