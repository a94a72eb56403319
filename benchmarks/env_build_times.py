"""Time building one case environment per interpreter: uv (cold cache, warm cache) against python -m venv + pip (cold
cache, warm cache), and report the disk use of the caches. Prints one JSON object per line.

Usage: UV=path/to/uv python benchmarks/env_build_times.py --python LABEL=PATH [--python LABEL=chroot:PATH ...]
           [--requirement numpy --requirement requests] [--work DIR]

pip runs with PIP_CONFIG_FILE=/dev/null and no PIP_* variables, so it reads the package index only (no machine-local
wheel folders); each cold run gets an empty cache of its own. An interpreter written chroot:PATH runs inside the
newest-pythons chroot, as in tools/observe_libraries.py (SSL_CERT_FILE must then name a CA bundle visible inside it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

NEWEST = "/opt/newest-pythons"


def in_place(argv, chroot, extra):
    if not chroot:
        return argv
    return ["unshare", "--mount", "--propagation", "private", f"{NEWEST}/enter", f"{NEWEST}/root", "/usr/bin/env", "/",
            *[f"{k}={v}" for k, v in extra.items()]] + argv


def timed(steps, chroot, extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env.update(extra)
    started = time.monotonic()
    for argv in steps:
        p = subprocess.run(in_place(argv, chroot, extra), capture_output=True, text=True, env=env)
        if p.returncode != 0:
            return {"ok": False, "error": (p.stderr or p.stdout).strip()[-500:]}
    return {"ok": True, "seconds": round(time.monotonic() - started, 2)}


def disk_use(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) if path.exists() else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", action="append", required=True)
    ap.add_argument("--requirement", action="append")
    ap.add_argument("--work", type=Path, default=Path("/tmp/env-build-times"))
    args = ap.parse_args()
    reqs = args.requirement or ["numpy", "requests"]
    uv = os.environ.get("UV", "uv")
    ssl = {"SSL_CERT_FILE": os.environ["SSL_CERT_FILE"]} if "SSL_CERT_FILE" in os.environ else {}
    for spec in args.python:
        label, _, python = spec.partition("=")
        chroot = python.startswith("chroot:")
        python = python[len("chroot:"):] if chroot else python
        root = args.work / label
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        uv_cache, pip_cache = root / "uv-cache", root / "pip-cache"
        result = {"python": label, "requirements": reqs}
        for name, cache in (("uv cold", uv_cache), ("uv warm", uv_cache)):
            venv = root / name.replace(" ", "-")
            extra = dict(ssl, UV_CACHE_DIR=str(cache))
            result[name] = timed([[uv, "venv", "-q", "-p", python, str(venv)],
                                  [uv, "pip", "install", "-q", "-p", str(venv / "bin" / "python"), *reqs]], chroot, extra)
        result["uv cache bytes"] = disk_use(uv_cache)
        for name in ("pip cold", "pip warm"):
            venv = root / name.replace(" ", "-")
            extra = dict(ssl, PIP_CONFIG_FILE="/dev/null", PIP_CACHE_DIR=str(pip_cache), PIP_DISABLE_PIP_VERSION_CHECK="1")
            if ssl:
                extra["PIP_CERT"] = ssl["SSL_CERT_FILE"]
            result[name] = timed([[python, "-m", "venv", str(venv)],
                                  [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *reqs]], chroot, extra)
        result["pip cache bytes"] = disk_use(pip_cache)
        result["venv bytes (uv warm)"] = disk_use(root / "uv-warm")
        print(json.dumps(result), flush=True)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
