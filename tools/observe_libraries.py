"""Observe library cases by hand until the harness builds environments: one uv environment per (interpreter,
resolved requirements), each case run through harness/bootstrap.py under each start method, variant and flag value,
offline. Writes one JSON line per cell (and one per environment build) to the output file.

Usage:
  python tools/observe_libraries.py --out docs/libraries-observations.jsonl \
      --python 3.12=/path/to/python --python 3.14=chroot:/usr/bin/python3.14 ... CASE.py ...

An interpreter written `chroot:PATH` lives inside the newest-pythons chroot (its wrappers run /usr/bin/pythonX.Y
there): uv, the environment and the case all run inside that chroot, since a venv made from a wrapper links to an
interpreter that exists only there. Needs uv (UV=path), and root for `unshare -n` (each cell runs in a network
namespace of its own with only loopback up, so nothing can be downloaded while a case runs).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

BLOCK_RE = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)[ \t]*$\n(?P<content>(?:^#(?:| .*)$\n)*?)^# ///[ \t]*$")
NEWEST = "/opt/newest-pythons"
REPO = Path(__file__).resolve().parent.parent
BOOTSTRAP = REPO / "harness" / "bootstrap.py"
METHODS = ("fork", "spawn", "forkserver")
NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def read_blocks(path: Path) -> dict:
    text = path.read_text()
    blocks = {}
    for m in BLOCK_RE.finditer(text):
        body = "".join(line[2:] if line.startswith("# ") else line[1:] for line in m.group("content").splitlines(True))
        blocks[m.group("type")] = tomllib.loads(body)
    return blocks


def requirement_sets(script: dict, case: dict):
    """Yield (variant choice, requirement list): each [variants] axis replaces its package's specifier."""
    deps = list(script.get("dependencies", []))
    variants = case.get("variants", {})
    axes = sorted(variants)
    for values in itertools.product(*(variants[a] for a in axes)):
        choice = dict(zip(axes, values))
        reqs = []
        for dep in deps:
            name = NAME_RE.match(dep).group(1)
            key = next((a for a in axes if a.lower().replace("_", "-") == name.lower().replace("_", "-")), None)
            reqs.append(f"{name}=={choice[key]}" if key else dep)
        yield choice, reqs


def flag_sets(case: dict):
    flags = case.get("flags", {})
    names = sorted(flags)
    for values in itertools.product(*(flags[n] for n in names)):
        yield dict(zip(names, values))


def in_place(argv, chroot: bool, cwd: str, extra=()):
    """The command line that runs argv on the host, or inside the newest-pythons chroot (with the VAR=value of extra,
    which the host gets through its environment)."""
    if not chroot:
        return argv
    return ["unshare", "--mount", "--propagation", "private", f"{NEWEST}/enter", f"{NEWEST}/root", "/usr/bin/env", cwd,
            *extra] + argv


def language_version(python, chroot):
    p = subprocess.run(in_place([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], chroot, str(REPO)),
                       capture_output=True, text=True)
    return p.stdout.strip()


def build_env(label, python, chroot, reqs, requires_python, root: Path, uv: str, env_extra: dict):
    key = hashlib.sha256(json.dumps([label, python, sorted(reqs)]).encode()).hexdigest()[:12]
    envdir = root / f"{label}-{key}"
    record = {"kind": "env", "python": label, "requirements": reqs, "env": str(envdir)}
    if requires_python:
        from pip._vendor.packaging.specifiers import SpecifierSet

        version = language_version(python, chroot)
        if version not in SpecifierSet(requires_python):
            record.update(ok=False, stage="requires-python", message=f"Python {version} is not {requires_python}")
            return record
    envpy = str(envdir / "bin" / "python")
    ok_marker = envdir / ".observe-ok"
    if ok_marker.exists():
        record.update(json.loads(ok_marker.read_text()), reused=True)
        return record
    env = dict(os.environ, **env_extra)
    extra = [f"{k}={v}" for k, v in env_extra.items()]
    # torch: only pip takes the CPU build that lies on this machine's disk (find-links); uv would not see it.
    with_pip = any(NAME_RE.match(r).group(1) == "torch" for r in reqs)
    started = time.monotonic()
    if with_pip:
        make = [python, "-m", "venv", "--clear", str(envdir)]
        installer = [envpy, "-m", "pip", "install", "-q", "--only-binary", ":all:"]
    else:
        make = [uv, "venv", "-q", "--clear", "-p", python, str(envdir)]
        installer = [uv, "pip", "install", "--only-binary", ":all:", "-p", envpy]
    venv = subprocess.run(in_place(make, chroot, str(REPO), extra), capture_output=True, text=True, env=env)
    if venv.returncode != 0:
        record.update(ok=False, stage="venv", message=venv.stderr.strip()[-2000:])
        return record
    install = subprocess.run(in_place(installer + reqs, chroot, str(REPO), extra), capture_output=True, text=True, env=env)
    record["seconds"] = round(time.monotonic() - started, 2)
    if install.returncode != 0:
        record.update(ok=False, stage="install", message=install.stderr.strip()[-3000:])
        return record
    freeze = subprocess.run(in_place([envpy, "-m", "pip", "freeze"] if with_pip else [uv, "pip", "freeze", "-p", envpy],
                                     chroot, str(REPO), extra), capture_output=True, text=True, env=env)
    version = subprocess.run(in_place([envpy, "-c", "import sys,platform;print(platform.python_implementation(), platform.python_version())"],
                                      chroot, str(REPO)), capture_output=True, text=True)
    record.update(ok=True, resolved=freeze.stdout.split(), interpreter=version.stdout.strip(), installer="pip" if with_pip else "uv")
    ok_marker.write_text(json.dumps({k: record[k] for k in ("ok", "resolved", "interpreter", "seconds", "installer")}))
    return record


def run_cell(envpy, chroot, case_path: Path, method, flags, timeout):
    inner = in_place([envpy, str(BOOTSTRAP), method, "0", "/dev/null", str(case_path)], chroot, str(case_path.parent))
    # A network namespace of its own, loopback only: nothing can be downloaded while the case runs.
    argv = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"] + inner
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "GRPC_", "OMP_"))}
    env.update(flags)
    started = time.monotonic()
    # A session of its own: on a timeout the whole tree is killed (workers still holding the pipes would otherwise
    # keep communicate() waiting for ever).
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         cwd=str(case_path.parent), start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        outcome = {"exit": p.returncode, "stdout": out[-20000:], "stderr": err[-20000:]}
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        outcome = {"exit": "timeout", "stdout": out[-20000:], "stderr": err[-20000:]}
    try:
        os.killpg(p.pid, signal.SIGKILL)  # leftovers of a cell that ended (daemon helpers, hung grandchildren)
        outcome["leftovers_killed"] = True
    except ProcessLookupError:
        pass
    outcome["seconds"] = round(time.monotonic() - started, 2)
    return outcome


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="+", type=Path)
    ap.add_argument("--python", action="append", required=True, help="LABEL=PATH or LABEL=chroot:PATH")
    ap.add_argument("--method", action="append", choices=METHODS)
    ap.add_argument("--envs", type=Path, default=Path(os.environ.get("OBSERVE_ENVS", "/tmp/observe-envs")))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    uv = os.environ.get("UV", "uv")
    env_extra = {k: os.environ[k] for k in ("UV_CACHE_DIR", "SSL_CERT_FILE") if k in os.environ}
    args.envs.mkdir(parents=True, exist_ok=True)
    with args.out.open("a") as out:
        for case_path in args.cases:
            case_path = case_path.resolve()
            blocks = read_blocks(case_path)
            case_sha = hashlib.sha256(case_path.read_bytes()).hexdigest()[:12]
            script, case = blocks.get("script", {}), blocks["case"]
            timeout = float(case.get("timeout", 30)) + 30
            for spec in args.python:
                label, _, python = spec.partition("=")
                chroot = python.startswith("chroot:")
                python = python[len("chroot:"):] if chroot else python
                for choice, reqs in requirement_sets(script, case):
                    env = build_env(label, python, chroot, reqs, script.get("requires-python"), args.envs, uv, env_extra)
                    env.update(case=case_path.name, variant=choice)
                    print(json.dumps(env), file=out, flush=True)
                    print(f"{case_path.name} {label} {choice}: env {'ok' if env['ok'] else 'FAILED'}", file=sys.stderr)
                    if not env["ok"] or args.build_only:
                        continue
                    envpy = str(Path(env["env"]) / "bin" / "python")
                    for flags in flag_sets(case):
                        for method in args.method or METHODS:
                            cell = run_cell(envpy, chroot, case_path, method, flags, timeout)
                            cell.update(kind="cell", case=case_path.name, python=label, interpreter=env.get("interpreter"),
                                        method=method, variant=choice, flags=flags,
                                        resolved=env.get("resolved"), case_sha=case_sha)
                            print(json.dumps(cell), file=out, flush=True)
                            print(f"  {method} {flags}: exit {cell['exit']} in {cell['seconds']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
