"""What a Windows-under-Wine cell costs against the same cell on native CPython of the same minor version, and the
full matrix on the six Wine 8 columns against the machine's limit.

Every figure is taken through `mpmatrix run` as a user runs it (spawn, the one start method Windows has, on both
sides), with the run's whole CPU: the harness, its keepers and every cell as `wait4` reports them (bench.measure),
plus what the prefix's Wine server and services used, which are nobody's children (the run's results say it:
host.wine_server_cpu_s). A cell's CPU is its keeper's `cpu_s` (every process of its tree); its share of the server
is the run's server CPU spread over its Wine cells in proportion to their wall time.

    .venv/bin/python benchmarks/wine_cost.py cells --minor 3.12 --repeat 3       # trivial, Pool, seed: warm prefix
    .venv/bin/python benchmarks/wine_cost.py cells --minor 3.12 --cold           # the same, each run on a new prefix
    .venv/bin/python benchmarks/wine_cost.py matrix --repeat 1                   # cases/ on the six Wine 8 columns
    .venv/bin/python benchmarks/wine_cost.py matrix --paths cases/seed --native  # and on native 3.8-3.13 beside it
    .venv/bin/python benchmarks/wine_cost.py matrix --together --all-methods     # every corpus, Wine and native at once

Load averages are printed with each figure: on a shared machine they explain most of the spread. Linux only; needs
tools/wine-pythons (and pyenv's CPython 3.8-3.13 for the native side). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench import SELF_USAGE, SNAPSHOT_IGNORE, measure, with_limit  # noqa: E402

WINE_PYTHONS = Path(os.environ.get("WINE_PYTHONS", "/opt/wine-pythons"))
PYENV = Path.home() / ".pyenv" / "versions"
MINORS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
TRIVIAL = '''# /// case
# claim = "A trivial case prints one line."
# source = "benchmarks/wine_cost.py"
# ids = ["B1"]
#
# [expect]
# stdout = "hi"
# ///
print("hi")
'''
POOL = '''# /// case
# claim = "A Pool of two maps four items."
# source = "benchmarks/wine_cost.py"
# ids = ["B2"]
#
# [expect]
# stdout = "[4, 3, 2, 1]"
# ///
import multiprocessing

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(abs, range(-4, 0)))
'''


def native(minor: str) -> str:
    def release(path: Path) -> List[int]:
        return [int(x) for x in path.parts[-3].split(".")[:3] if x.isdigit()]

    found = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"), key=release)
    found = [p for p in found if not p.parts[-3].endswith("t")]
    if not found:
        sys.exit(f"wine_cost: no pyenv CPython {minor} (~/.pyenv/versions/{minor}.*)")
    return str(found[-1])


def wine_python(minor: str, folder: Path = WINE_PYTHONS / "bin") -> str:
    path = folder / f"python{minor}"
    if not os.access(path, os.X_OK):
        sys.exit(f"wine_cost: no {path}: run tools/wine-pythons first")
    return str(path)


def commands_for(folder: Path, prefix: Path, minors: Sequence[str]) -> Path:
    """Copies of the Wine 8 commands (python3.X, wineserver, wine) in `folder` that name `prefix` instead: a prefix
    not made yet (an empty folder: the run's first Wine process, its probe, makes it with wineboot, without the
    settings tools/wine-pythons gives a prefix), or a private copy of the installed one (on a shared machine, no
    other run's cells share its server, and its stop ends nobody else's Wine processes)."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix.mkdir(parents=True, exist_ok=True)  # empty: Wine makes the prefix in it (the harness locks a file there)
    for name in ["wineserver", "wine"] + [f"python{m}" for m in minors]:
        text = (WINE_PYTHONS / "bin" / name).read_text()
        old = next(line for line in text.splitlines() if line.startswith("export WINEPREFIX="))
        new = old.replace(old.split()[1].split("=", 1)[1], str(prefix), 1)
        (folder / name).write_text(text.replace(old, new, 1))
        (folder / name).chmod(0o755)
    return folder


def private_prefix(work: Path, minors: Sequence[str]) -> Path:
    """A copy of the installed Wine 8 prefix and commands for it: the folder of the commands."""
    prefix = work / "private-prefix"
    shutil.copytree(WINE_PYTHONS / "prefix", prefix, symlinks=True, ignore=shutil.ignore_patterns(".mpmatrix-users"))
    return commands_for(work / "private-bin", prefix, minors)


def run(paths: Sequence[str], pythons: Sequence[str], work: Path, method: Optional[str] = "spawn",
        extra: Sequence[str] = ()) -> Dict[str, Any]:
    """One `mpmatrix run`: its wall, the CPU of its whole tree (wait4), the Wine servers' CPU, and its cells."""
    out = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    usage_file = out / "usage.json"
    argv = [sys.executable, "-c", SELF_USAGE, "run", "--quiet", "--out", str(out / "results"), *paths]
    for python in pythons:
        argv += ["--python", python]
    if method:
        argv += ["-m", method]
    argv += list(extra)
    env = dict(os.environ, MPMATRIX_BENCH_USAGE=str(usage_file), MPMATRIX_CACHE_DIR=str(work / "timings"))
    figures = measure(argv, cwd=REPO, env=env)
    data = json.loads((out / "results" / "results.json").read_text())
    own = json.loads(usage_file.read_text())
    cells = [c for c in data["cells"] if c["status"] not in ("unsupported", "skip") and c.get("duration_s")]
    server = sum((data["host"].get("wine_server_cpu_s") or {}).values())
    figures.update(cells=cells, server_cpu_s=server, harness_self_cpu_s=own["user"] + own["sys"],
                   sum_cell_cpu_s=sum(c.get("cpu_s") or 0.0 for c in cells))
    figures["total_cpu_s"] = figures["cpu_s"] + server
    shutil.rmtree(out, ignore_errors=True)
    return figures


def per_case(figures: Dict[str, Any], fixed_server_s: float) -> Dict[str, Dict[str, float]]:
    """{case: {wall, cpu, server share}}: the server's CPU beyond a run's fixed part (its start, Wine's services,
    the probe: what a run of no cell costs) spread over the run's Wine cells by their wall time."""
    cells = figures["cells"]
    wine_wall = sum(c["duration_s"] for c in cells if str(c.get("flavour", "")).startswith("wine"))
    server = max(0.0, figures["server_cpu_s"] - fixed_server_s)
    out: Dict[str, Dict[str, float]] = {}
    for c in cells:
        share = server * c["duration_s"] / wine_wall if wine_wall and c.get("flavour") else 0.0
        out[f"{c['case']} {c['start_method']}"] = {"wall": c["duration_s"], "cpu": c.get("cpu_s") or 0.0,
                                                   "server": share}
    return out


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


SKIPPED_HERE = '''# /// case
# claim = "Nothing: a case for Linux only, so that a Windows run plans it and runs no cell."
# source = "benchmarks/wine_cost.py"
# ids = ["B0"]
# platforms = ["darwin"]
# ///
print("never")
'''


def cmd_cells(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="wine-cost-"))
    try:
        subjects = []
        for label, text in (("empty", SKIPPED_HERE), ("trivial", TRIVIAL), ("Pool", POOL)):
            folder = work / label
            folder.mkdir()
            for index in range(1 if label == "empty" else args.copies):
                (folder / f"{label.lower()}_{index}.py").write_text(text)
            subjects.append((label, [str(folder)]))
        seed = work / "seed"
        shutil.copytree(REPO / "cases" / "seed", seed, ignore=SNAPSHOT_IGNORE)  # others edit cases/ meanwhile
        subjects.append(("seed", [str(seed)]))
        wanted = ["empty"] + args.only.split(",")
        subjects = [(label, paths) for label, paths in subjects if label in wanted]
        native_python = native(args.minor)
        wine_bin = private_prefix(work, [args.minor]) if args.private_prefix else WINE_PYTHONS / "bin"
        print(f"native {native_python}; Wine 8 {wine_python(args.minor, wine_bin)}; "
              f"{'a new prefix per Wine run' if args.cold else 'warm prefix'}; {args.repeat} run(s) of each, median; "
              f"trivial and Pool: {args.copies} copies of the case in one run, figures per cell; empty: a run of no "
              "cell (the run's fixed part: start-up, probe, the server's start)")
        print(f"{'subject':8s} {'side':6s} {'wall':>8s} {'cell CPU':>9s} {'server':>8s} {'cell+srv':>9s} "
              f"{'x native':>9s} {'run CPU+srv':>12s}  load")
        fixed = {"native": 0.0, "wine": 0.0}
        for label, paths in subjects:
            rows: Dict[str, List[Dict[str, Any]]] = {"native": [], "wine": []}
            for index in range(args.repeat):
                rows["native"].append(run(paths, [native_python], work))
                python = wine_python(args.minor, wine_bin)
                if args.cold:
                    cold = work / f"cold-{index}"
                    python = wine_python(args.minor, commands_for(cold / "bin", cold / "prefix", [args.minor]))
                rows["wine"].append(run(paths, [python], work))
                if args.cold:
                    shutil.rmtree(work / f"cold-{index}", ignore_errors=True)
            per = 1 if label in ("empty", "seed") else args.copies
            summary = {}
            for side, runs in rows.items():
                if label == "empty":
                    fixed[side] = median([r["server_cpu_s"] for r in runs])
                wall = median([r["wall_s"] for r in runs]) / per
                cells_cpu = median([r["sum_cell_cpu_s"] for r in runs]) / per
                server = (median([r["server_cpu_s"] for r in runs]) - (0 if label == "empty" else fixed[side])) / per
                total = median([r["total_cpu_s"] for r in runs])
                summary[side] = cells_cpu + server
                ratio = f"{summary['wine'] / summary['native']:.2f}" if side == "wine" and summary["native"] else ""
                loads = ",".join(f"{r['loadavg_before']:.1f}" for r in runs)
                print(f"{label:8s} {side:6s} {wall:8.3f} {cells_cpu:9.3f} {server:8.3f} {cells_cpu + server:9.3f} "
                      f"{ratio:>9s} {total:12.3f}  {loads}", flush=True)
            if label == "seed":
                print_per_case(rows, fixed["wine"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def print_per_case(rows: Dict[str, List[Dict[str, Any]]], fixed_server_s: float) -> None:
    """Wine / native CPU (a cell's own plus its share of the server) per case of the corpus: the distribution."""
    native_cases = [per_case(r, 0.0) for r in rows["native"]]
    wine_cases = [per_case(r, fixed_server_s) for r in rows["wine"]]
    ratios = []
    own_ratios = []
    for name in sorted(set.intersection(*(set(c) for c in native_cases + wine_cases))):
        n = median([c[name]["cpu"] for c in native_cases])
        w = median([c[name]["cpu"] for c in wine_cases])
        s = median([c[name]["server"] for c in wine_cases])
        if n > 0:
            ratios.append(((w + s) / n, name))
            own_ratios.append(w / n)
    ratios.sort()
    if not ratios:
        return
    values = [r for r, _ in ratios]
    print(f"per case, Wine (own + server share) / native CPU over {len(values)} cases: median {median(values):.2f}, "
          f"min {values[0]:.2f} ({ratios[0][1]}), max {values[-1]:.2f} ({ratios[-1][1]}), "
          f"<= 3x: {sum(v <= 3 for v in values)} of {len(values)}; own CPU alone: median {median(own_ratios):.2f}, "
          f"<= 3x: {sum(v <= 3 for v in own_ratios)}")


def cmd_matrix(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="wine-matrix-"))
    try:
        snapshot = work / "cases"
        paths = []
        for path in args.paths:
            target = snapshot / Path(path).name
            shutil.copytree(REPO / path, target, ignore=SNAPSHOT_IGNORE)
            paths.append(str(target))
        wine_bin = private_prefix(work, MINORS) if args.private_prefix else WINE_PYTHONS / "bin"
        wine = [wine_python(m, wine_bin) for m in MINORS]
        natives = [native(m) for m in MINORS] if args.native else []
        cores = os.cpu_count() or 1
        sides = [("wine", wine), ("native", natives)]
        if args.together:  # one run of the whole matrix, as a user runs it: the Wine and the native columns at once
            sides = [("wine and native", wine + [native(m) for m in MINORS])]
        for index in range(args.repeat):
            for side, pythons in sides:
                if not pythons:
                    continue
                figures = run(paths, pythons, work, method=None if args.all_methods else "spawn")
                durations = [c["duration_s"] for c in figures["cells"]]
                limit = with_limit({"cpu_s": figures["total_cpu_s"], "wall_s": figures["wall_s"]}, durations, cores)
                statuses: Dict[str, int] = {}
                for c in figures["cells"]:
                    statuses[c["status"]] = statuses.get(c["status"], 0) + 1
                timed_out = sum(c["duration_s"] for c in figures["cells"] if c["status"] == "timeout")
                # the cells' wall summed over the run's wall: how many ran at once on average (2 jobs on 2 cores
                # unless the machine is idle enough for the scheduler to overlap waiting cells)
                print(f"{side} run {index + 1}: cells' wall {sum(durations):.1f} s (timeouts {timed_out:.1f} s), "
                      f"{sum(durations) / figures['wall_s']:.2f} at once on average")
                print(f"{side} run {index + 1}: {len(figures['cells'])} cells in {figures['wall_s']:.1f} s; CPU "
                      f"{figures['cpu_s']:.1f} s (harness {figures['harness_self_cpu_s']:.1f}, cells "
                      f"{figures['sum_cell_cpu_s']:.1f}) + Wine's servers {figures['server_cpu_s']:.1f} s = "
                      f"{figures['total_cpu_s']:.1f} s; longest cell {limit['longest_cell_s']:.1f} s; limit "
                      f"{limit['limit_s']:.1f} s; wall/limit {limit['wall_per_limit']:.2f}; load "
                      f"{figures['loadavg_before']:.1f} -> {figures['loadavg_after']:.1f}; {statuses}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cells = commands.add_parser("cells", help="trivial case, a Pool case and the seed corpus: Wine against native")
    cells.add_argument("--minor", default="3.12", help="the Python version of both sides (default 3.12)")
    cells.add_argument("--repeat", type=int, default=3)
    cells.add_argument("--cold", action="store_true", help="each Wine run on a prefix not made yet")
    cells.add_argument("--only", default="trivial,Pool,seed", help="which of trivial, Pool, seed (default all)")
    cells.add_argument("--copies", type=int, default=10, help="copies of the trivial and Pool cases per run")
    cells.set_defaults(func=cmd_cells)
    matrix = commands.add_parser("matrix", help="a corpus on the six Wine 8 columns against the limit")
    matrix.add_argument("--paths", nargs="+", default=["cases"], help="corpora, relative to the repository")
    matrix.add_argument("--repeat", type=int, default=1)
    matrix.add_argument("--native", action="store_true", help="the same on native CPython 3.8-3.13 (spawn)")
    matrix.add_argument("--all-methods", action="store_true", help="fork and forkserver too (unsupported on Windows)")
    matrix.add_argument("--together", action="store_true", help="one run of the six Wine columns and native "
                        "CPython 3.8-3.13 together (with --all-methods: the full matrix of those twelve columns)")
    matrix.set_defaults(func=cmd_matrix)
    for command in (cells, matrix):
        command.add_argument("--private-prefix", action="store_true", help="a copy of the installed prefix (a shared "
                             "machine: no other run's processes share its server or are ended with it)")
    args = parser.parse_args()
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
