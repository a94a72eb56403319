"""What environments cost: the time to make one per interpreter (uv with an empty cache, uv with its download cache
warm, venv + pip), the time a warm run adds over the same cells without dependencies, and the disk the caches take.

    python benchmarks/environments.py --python 3.12 --python 3.8 ...   # build times (one environment each)
    python benchmarks/environments.py --overhead --python 3.12         # warm-run overhead (mpmatrix run, alternated)

Build times call harness.environments.prepare directly, each in a fresh mpmatrix cache: "uv cold" also with an
empty uv cache (UV_CACHE_DIR), "uv warm" with the uv cache the cold run filled (what a second machine of the same
user, or a cleaned mpmatrix cache, pays), "pip" with pip's cache off (PIP_NO_CACHE_DIR), "reuse" the same request
again (what every later run pays). The overhead runs the same cases twice, with and without a `# /// script` block
(the cases import nothing, so the difference is the harness's and the environment's Python start-up), alternating
the two, and reports medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import environments  # noqa: E402  (the repository's harness, whatever is installed)
from harness.interpreters import resolve  # noqa: E402
from harness.timings import CACHE_ENV  # noqa: E402

CASE = '''"""A cell that starts a pool: the overhead benchmark's case."""
{script}# /// case
# claim = "benchmark"
# source = "benchmarks/environments.py"
# ids = ["B1"]
# ///
import multiprocessing

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(abs, [-1, -2, -3]))
'''
SCRIPT = '# /// script\n# dependencies = ["{requirement}"]\n# ///\n\n'


def build_times(pythons: List[str], requirements: List[str]) -> None:
    print(f"requirements: {' '.join(requirements)}")
    print(f"{'interpreter':<24} {'uv cold':>9} {'uv warm':>9} {'pip':>9} {'reuse':>9}  env disk / uv cache")
    base = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="mpmatrix-envbench-") as scratch:
        uv_cache = Path(scratch) / "uv-cache"
        for spec in pythons:
            interpreter = resolve(spec)
            request = environments.Request(interpreter, tuple(requirements))
            row: Dict[str, str] = {}
            disk = ""
            for mode in ("uv cold", "uv warm", "pip"):
                cache = Path(tempfile.mkdtemp(dir=scratch))
                environ = dict(base, **{CACHE_ENV: str(cache)})
                if mode == "uv cold":
                    shutil.rmtree(uv_cache, ignore_errors=True)
                environ["UV_CACHE_DIR"] = str(uv_cache)
                if mode == "pip":
                    environ.update({environments.INSTALLER_ENV: "pip", "PIP_NO_CACHE_DIR": "1"})
                os.environ.clear()
                os.environ.update(environ)  # the installers read the process's environment
                started = time.monotonic()
                made = environments.prepare([request], environ=environ)[request.key]
                seconds = time.monotonic() - started
                row[mode] = f"{seconds:.2f} s" if not (made.unavailable or made.error) else "no"
                if mode == "uv cold":
                    started = time.monotonic()
                    environments.prepare([request], environ=environ)
                    row["reuse"] = f"{time.monotonic() - started:.3f} s"
                    if made.path:
                        disk = (f"{environments.disk_use(Path(made.path)) / 1e6:.1f} MB / "
                                f"{environments.disk_use(uv_cache) / 1e6:.1f} MB")
                    elif made.unavailable:
                        disk = made.unavailable[:60]
            os.environ.clear()
            os.environ.update(base)
            print(f"{interpreter.tag + ' ' + interpreter.version:<24} {row['uv cold']:>9} {row['uv warm']:>9} "
                  f"{row['pip']:>9} {row['reuse']:>9}  {disk}")


def overhead(pythons: List[str], requirement: str, cases: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mpmatrix-overhead-") as scratch:
        root = Path(scratch)
        for kind, script in (("bare", ""), ("deps", SCRIPT.format(requirement=requirement))):
            (root / kind).mkdir()
            for index in range(cases):
                (root / kind / f"{kind}_{index}.py").write_text(CASE.format(script=script), encoding="utf-8")
        env = dict(os.environ, **{CACHE_ENV: str(root / "cache")})
        argv = [sys.executable, "-m", "harness", "run", "-q", *[a for p in pythons for a in ("-p", p)]]
        times: Dict[str, List[float]] = {"bare": [], "deps": []}
        cpu: Dict[str, List[float]] = {"bare": [], "deps": []}
        for kind in ("bare", "deps"):  # once untimed: the environments and the timings cache are made
            subprocess.run(argv + [str(root / kind), "--out", str(root / f"out-{kind}")], env=env, cwd=str(REPO),
                           capture_output=True, check=False)
        for _ in range(rounds):
            for kind in ("bare", "deps"):
                started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
                done = subprocess.run(argv + [str(root / kind), "--out", str(root / f"out-{kind}")], env=env,
                                      cwd=str(REPO), capture_output=True, text=True, check=False)
                times[kind].append(time.monotonic() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the harness, its keepers and every cell
                cpu[kind].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                if done.returncode not in (0, 1):
                    raise SystemExit(f"{kind}: mpmatrix run failed: {done.stderr}")
        bare, deps = statistics.median(times["bare"]), statistics.median(times["deps"])
        cells = cases * 3 * len(pythons)
        print(f"{cells} cells ({cases} cases x 3 start methods x {len(pythons)} interpreters), {rounds} rounds each")
        print(f"bare: median {bare:.2f} s ({', '.join(f'{t:.2f}' for t in times['bare'])})")
        print(f"deps: median {deps:.2f} s ({', '.join(f'{t:.2f}' for t in times['deps'])})")
        print(f"a warm run with dependencies adds {deps - bare:+.2f} s ({100 * (deps - bare) / bare:+.1f} %) of wall time")
        bare_cpu, deps_cpu = statistics.median(cpu["bare"]), statistics.median(cpu["deps"])
        print(f"CPU (harness + cells): bare median {bare_cpu:.2f} s, deps median {deps_cpu:.2f} s: "
              f"{deps_cpu - bare_cpu:+.2f} s ({100 * (deps_cpu - bare_cpu) / bare_cpu:+.1f} %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", "-p", action="append", default=None)
    parser.add_argument("--requirement", action="append", default=None, help="default: requests")
    parser.add_argument("--overhead", action="store_true")
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pythons = args.python or ["3.12"]
    requirements = args.requirement or ["requests"]
    if args.overhead:
        overhead(pythons, requirements[0], args.cases, args.rounds)
    else:
        build_times(pythons, requirements)


if __name__ == "__main__":
    main()
