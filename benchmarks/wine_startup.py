"""Where a Windows CPython's time goes under Wine: CPU and wall of small commands, against a native interpreter.

Each command runs N times (the median is shown): its whole process tree's CPU (RUSAGE_CHILDREN, this process
being a subreaper so that orphaned Windows children are counted too) and, beside it, the CPU that the prefix's
server and Wine's services spent over the same runs (read from /proc before and after), which no cell's cpu_s
holds. Linux only; needs tools/wine-pythons.

    .venv/bin/python benchmarks/wine_startup.py --python /opt/wine-pythons/bin/python3.12 \\
        --native ~/.pyenv/versions/3.12.1/bin/python -n 10
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from harness import wine  # noqa: E402

POOL = """
import multiprocessing
if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(abs, range(-4, 0)))
"""
IMPORTS = "import multiprocessing.pool, concurrent.futures"
PR_SET_CHILD_SUBREAPER = 36


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: Sequence[str], env: Dict[str, str]) -> List[float]:
    """Wall and tree CPU of one run; every descendant is reaped (the server and services are not ours)."""
    started, before = time.monotonic(), children_cpu()
    subprocess.run(list(argv), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.monotonic() - started
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    return [wall, children_cpu() - before]


def measure(label: str, argv: Sequence[str], env: Dict[str, str], prefix: Optional[str], n: int) -> None:
    server_before = wine.prefix_cpu_s(prefix) if prefix else 0.0
    runs = sorted(run_once(argv, env) for _ in range(n))
    server = ((wine.prefix_cpu_s(prefix) if prefix else 0.0) - server_before) / n
    walls = sorted(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    wall, cpu = walls[n // 2], cpus[n // 2]
    print(f"{label:48s} wall {wall:6.3f} s  own CPU {cpu:6.3f} s  server {server:6.3f} s  total {cpu + server:6.3f} s",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="a Wine interpreter command made by tools/wine-pythons")
    parser.add_argument("--native", required=True, help="a native interpreter of the same minor version")
    parser.add_argument("-n", type=int, default=10, help="runs of each command (default 10)")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds to watch the idle server (default 20)")
    args = parser.parse_args()
    server = wine.server_for(args.python)
    if server is None:
        parser.error(f"{args.python}: no wineserver and wine beside it; expected a command made by tools/wine-pythons")
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", PYTHONUTF8="1")
    with tempfile.TemporaryDirectory() as folder, wine.servers([args.python], report=print):
        # A subreaper only now: the server's daemon, started above, must not be reparented to this process.
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        pool = os.path.join(folder, "pool.py")
        with open(pool, "w") as f:
            f.write(POOL)
        p, n = server.prefix, args.n
        measure("native -c pass", [args.native, "-c", "pass"], env, None, n)
        measure("wine: cmd /c exit (a bare Windows process)", [server.wine, "cmd", "/c", "exit"], env, p, n)
        measure("wine: -c pass", [args.python, "-c", "pass"], env, p, n)
        measure("wine: -c pass, WINEDEBUG as Wine's default", [args.python, "-c", "pass"], dict(env, WINEDEBUG="err+all,fixme+all"), p, n)
        measure("wine: -S -c pass", [args.python, "-S", "-c", "pass"], env, p, n)
        measure("native -c 'import multiprocessing.pool'", [args.native, "-c", IMPORTS], env, None, n)
        measure("wine: -c 'import multiprocessing.pool'", [args.python, "-c", IMPORTS], env, p, n)
        measure("native pool.py (spawn, Pool(2).map)", [args.native, pool], env, None, n)
        measure("wine: pool.py", [args.python, pool], env, p, n)
        # A trivial case as the harness runs it: the bootstrap (which imports multiprocessing to set the start
        # method, and arms the stack dump: on a signal natively, SIGRTMIN+6 as the harness does; faulthandler's
        # watchdog thread under Wine, `59`; `0` is no dump), against `python case.py`
        case = os.path.join(folder, "case.py")
        with open(case, "w") as f:
            f.write('print("hi")\n')
        bootstrap = os.path.join(REPO, "harness", "bootstrap.py")
        measure("native case.py", [args.native, case], env, None, n)
        measure("native bootstrap.py spawn signal:SIGRTMIN+6 ... case.py",
                [args.native, bootstrap, "spawn", f"signal:{signal.SIGRTMIN + 6}", os.devnull, case], env, None, n)
        measure("wine: case.py", [args.python, case], env, p, n)
        measure("wine: bootstrap.py spawn 0 ... case.py", [args.python, bootstrap, "spawn", "0", "nul", case], env, p, n)
        measure("wine: bootstrap.py spawn 59 ... case.py", [args.python, bootstrap, "spawn", "59", "nul", case], env, p, n)
        before = wine.prefix_cpu_s(p)
        time.sleep(args.idle)
        print(f"the server and services idle for {args.idle:g} s: {wine.prefix_cpu_s(p) - before:.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
