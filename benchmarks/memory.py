"""The harness's peak memory against the number of cells that each write 4 MiB (tests/data/memory/writes_4mib.py,
copied N times): a run's memory must stay flat in the number of cells, whatever they print.

    python benchmarks/memory.py 100 1000                  # this checkout's harness
    python benchmarks/memory.py 100 --harness ../other    # another checkout's (the same interpreter runs it)
    python benchmarks/memory.py 1000 --memory-limit 10G   # in a memory cgroup of its own (Linux, cgroup v1, root)

For each N: `mpmatrix run` of the N cases under the current interpreter and fork, `--jobs 2` (`--jobs`), with a
timings cache of its own; the harness process's peak RSS and its own CPU seconds (sampled every 20 ms: the harness
alone, not its keepers or cells, so that other work on the machine changes them little), the wall time, the exit
status and the size of results.json. The output folder is removed afterwards
(1,000 such cells write 8 GB of journal, then 8 GB of results)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "data" / "memory" / "writes_4mib.py"
CGROUP = Path("/sys/fs/cgroup/memory")


def sizes(text: str) -> int:
    units = {"K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def measure(cells: int, harness: Path, jobs: int, work: Path, memory_limit: int = 0) -> dict:
    cases = work / f"cases-{cells}"
    cases.mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    for index in range(cells):
        (cases / f"m{index:05d}.py").write_text(text, encoding="utf-8")
    out = work / f"out-{cells}"
    argv = [sys.executable, "-m", "harness", "run", str(cases), "--python", sys.executable, "-m", "fork", "--jobs",
            str(jobs), "-q", "--out", str(out)]
    env = dict(os.environ, MPMATRIX_CACHE_DIR=str(work / "cache"))
    group = None
    if memory_limit:
        group = CGROUP / f"mpmatrix-memory-{os.getpid()}-{cells}"
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(memory_limit))
        argv = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *argv]
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=str(harness), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    peak, cpu = [0], [0.0]

    def watch() -> None:
        try:
            watched = psutil.Process(process.pid)
            while process.poll() is None:
                peak[0] = max(peak[0], watched.memory_info().rss)
                times = watched.cpu_times()
                cpu[0] = times.user + times.system  # the harness's own, not its keepers' or cells'
                time.sleep(0.02)
        except psutil.Error:
            pass

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.monotonic() - started
    watcher.join()
    results = out / "results.json"
    figures = {"cells": cells, "exit": process.returncode, "seconds": seconds, "harness_cpu_s": cpu[0],
               "peak_rss_mib": peak[0] / 2 ** 20,
               "results_mib": results.stat().st_size / 2 ** 20 if results.exists() else None,
               "summary": stdout.decode(errors="replace").strip().splitlines()[:1],
               "stderr": stderr.decode(errors="replace").strip().splitlines()[-3:]}
    if group is not None:
        figures["oom_kills"] = next((line.split()[1] for line in (group / "memory.oom_control").read_text().splitlines()
                                     if line.startswith("oom_kill ")), "?")
        for _ in range(50):
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cases, ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cells", nargs="+", type=int)
    parser.add_argument("--harness", type=Path, default=REPO, help="the checkout whose harness runs (default: this one)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--memory-limit", type=sizes, default=0, metavar="BYTES",
                        help="run in a memory cgroup of this limit (e.g. 10G), where the OOM killer stops at it")
    parser.add_argument("--work", type=Path, default=None, help="where to put the cases and the output folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mpmatrix-memory-", dir=args.work))
    try:
        for cells in args.cells:
            figures = measure(cells, args.harness.resolve(), args.jobs, work, args.memory_limit)
            print(" ".join(f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}"
                           for key, value in figures.items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
