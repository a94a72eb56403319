#!/usr/bin/env python3
"""The newcomer's walk of docs/writing-cases.md, from scratch, writing each command's real output into the guide.

In a new temporary folder outside the repository: build the mpmatrix wheel from this checkout, install it into a
fresh virtual environment (with pytest and tox), write the guide's case files (docs/walk/cases/, as a newcomer
writes them before the first run), then run every command of the guide in order, as the guide shows it, bless
included, with the hand edits the guide describes applied where it describes them. Each command and its output
replaces the part of the guide between `<!-- walk:NAME -->` and `<!-- /walk -->`; case files and the tox.ini
the guide shows are taken from the files that ran. Every command's exit status is checked against the one the
guide says it has, so a walk that no longer goes as the guide says stops with the command and its output.

    python3 docs/walk/walk.py            # walk, then rewrite docs/writing-cases.md
    python3 docs/walk/walk.py --check    # walk, then compare with the guide (durations aside); exit 1 if it
                                         # differs, 3 at once if this machine's interpreters are not the guide's
    python3 docs/walk/walk.py --keep     # also keep the walk's folder (its path is printed)

Outputs name the walk's folder `<walk>`, this checkout `<checkout>` and the home folder `~`. The mpmatrix and
pytest commands run with /opt/newest-pythons/bin on PATH where it exists (this machine's CPython 3.14, 3.15 and
PyPy 3.11, see the README), the tox commands without it: tox makes virtual environments, and those interpreters
are wrappers that enter a chroot.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GUIDE = REPO / "docs" / "writing-cases.md"
CASES = HERE / "cases"
NEWEST = Path("/opt/newest-pythons/bin")
COMMAND_TIMEOUT_S = 1800
BLOCK = re.compile(r"<!-- walk:(?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- /walk -->", re.S)
# Parts of an output that differ from one walk to the next on the same machine: durations, tox's among them
# ("86.60=setup[74.79]+cmd[11.81] seconds"), and the lines tox -p prints as each env ends (in the order they end,
# and the last one at times not at all: the summary after them names every env).
DURATION = re.compile(r"\d+(?:\.\d+)?(?: ?(?:s|seconds?)\b| minutes?\b)")
TOX_DURATION = re.compile(r"\d+\.\d+=setup\[\d+\.\d+\]\+cmd\[\d+\.\d+\] seconds")
TOX_PROGRESS = re.compile(r"^[\w.-]+: (?:OK|FAIL|SKIP) \S+ in .*\n", re.M)
# Exit status of --check when this machine's interpreters are not those the guide was walked with.
OTHER_MACHINE = 3
# Variables of the caller's environment that would change what the walk's commands do.
UNSET = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTHONSTARTUP", "CONDA_PREFIX")
UNSET_PREFIXES = ("MPMATRIX_", "TOX_", "COVERAGE_", "PYTEST_")
# Variables by which tools tell that they run under CI, where they print otherwise than on a newcomer's machine
# (tox's util/ci.py: with any of them, `tox -p` lists each env's packages and shows its whole output; pytest's
# CI and BUILD_NUMBER: assertion messages left untruncated). The walk is a newcomer's shell: without them.
CI_MARKERS = ("CI", "TF_BUILD", "bamboo.buildKey", "BUILDKITE", "CIRCLECI", "CIRRUS_CI", "CODEBUILD_BUILD_ID",
              "GITHUB_ACTIONS", "GITLAB_CI", "HEROKU_TEST_RUN_ID", "BUILD_ID", "TEAMCITY_VERSION", "TRAVIS",
              "BUILD_NUMBER")


class WalkError(Exception):
    """A step of the walk did not go as the guide says."""


class OtherMachine(WalkError):
    """--check on a machine whose interpreters are not those of the guide: its outputs cannot be the guide's."""


@dataclass
class Walk:
    root: Path  # the walk's folder, `<walk>` in the guide
    log: bool = True
    newest: bool = True  # /opt/newest-pythons/bin on the shell's PATH (where it exists)
    exports: List[str] = field(default_factory=list)  # `export` lines the shell ran so far
    blocks: Dict[str, List[str]] = field(default_factory=dict)
    guide: Optional[str] = None  # with --check: the guide, to stop at once on a machine it was not walked on
    timings: List[tuple] = field(default_factory=list)

    # -- environment ------------------------------------------------------------------------------------------

    def environment(self) -> Dict[str, str]:
        """The caller's environment as a newcomer's shell has it, with the walk's venv activated: the caller's
        own venvs (this checkout's .venv) and the newest-pythons folder left off PATH, the latter put back while
        the walk's shell has it."""
        env = {k: v for k, v in os.environ.items()
               if k not in UNSET and k not in CI_MARKERS and not k.startswith(UNSET_PREFIXES)}
        caller_venvs = {str(Path(sys.prefix) / "bin"), str(REPO / ".venv" / "bin")}
        if os.environ.get("VIRTUAL_ENV"):
            caller_venvs.add(str(Path(os.environ["VIRTUAL_ENV"]) / "bin"))
        base = [p for p in env.get("PATH", "").split(os.pathsep)
                if p and p not in caller_venvs and Path(p) != NEWEST]
        front = [str(self.root / "venv" / "bin")]
        if self.newest and NEWEST.is_dir():
            front.append(str(NEWEST))
        env["PATH"] = os.pathsep.join(front + base)
        env["VIRTUAL_ENV"] = str(self.root / "venv")
        env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr in the order written, as on a terminal (cells set it anyway)
        env["COLUMNS"] = "120"
        return env

    # -- steps ------------------------------------------------------------------------------------------------

    def export(self, block: str, command: str) -> None:
        """An `export` the walk's shell keeps for the commands after it (each command runs in a shell of its own)."""
        self.run(block, command)
        self.exports.append(command)

    def run(self, block: str, command: str, status: int = 0, shown: bool = True, echo_status: bool = False,
            output: bool = True) -> str:
        """Run one shell command in the walk's folder; add `$ command` and its output to a block of the guide."""
        started = time.monotonic()
        if self.log:
            print(f"[walk] $ {command}", file=sys.stderr, flush=True)
        script = "\n".join(self.exports + [command])
        proc = subprocess.Popen(["bash", "-c", script], cwd=self.root, env=self.environment(),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            raw, _ = proc.communicate(timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise WalkError(f"{command}: still running after {COMMAND_TIMEOUT_S} s") from None
        elapsed = time.monotonic() - started
        self.timings.append((command, elapsed, proc.returncode))
        text = self.redact(raw.decode("utf-8", "replace"))
        if proc.returncode != status:
            raise WalkError(f"{command}: exit status {proc.returncode}, the guide says {status}\n{text}")
        if shown:
            lines = [f"$ {self.redact(command)}"] + ([text.rstrip("\n")] if output and text.strip() else [])
            if echo_status:
                lines += ["$ echo $?", str(proc.returncode)]
            self.blocks.setdefault(block, []).append("\n".join(lines))
        return text

    def show_file(self, block: str, relative: str, language: str = "python", case_block_only: bool = False) -> None:
        """A file of the walk's folder as the guide shows it: whole, or its `# /// case` block only."""
        text = (self.root / relative).read_text()
        if case_block_only:
            text = text[: text.index("# ///\n", text.index("# /// case")) + len("# ///\n")]
        self.blocks.setdefault(block, []).append(f"```{language}\n{text.rstrip()}\n```")

    def write_case(self, name: str) -> None:
        """A case file as the newcomer first writes it."""
        shutil.copyfile(CASES / name, self.root / "cases" / name)

    def edit(self, relative: str, after: str, insert: str, occurrence: int = 1) -> None:
        """A hand edit: `insert` (lines) after the `occurrence`-th line that is exactly `after`."""
        path = self.root / relative
        lines = path.read_text().split("\n")
        seen = 0
        for index, line in enumerate(lines):
            if line == after:
                seen += 1
                if seen == occurrence:
                    lines[index + 1 : index + 1] = insert.split("\n")
                    path.write_text("\n".join(lines))
                    return
        raise WalkError(f"{relative}: no line {after!r} (occurrence {occurrence}) to edit after: bless wrote "
                        "something else than the guide expects")

    def same_machine(self, block: str) -> None:
        """With --check: stop if this block (the interpreters found) is not the guide's."""
        if self.guide is None:
            return
        problems = compare(self.guide, fill_some(self.guide, {block: self.blocks[block]}), only=block)
        if problems:
            raise OtherMachine("this machine's interpreters are not those the guide was walked with, so its "
                               "outputs cannot be the guide's:\n" + "\n".join(problems))

    def redact(self, text: str) -> str:
        """Paths of this machine's walk as placeholders a reader can follow."""
        text = text.replace(str(self.root), "<walk>").replace(str(REPO), "<checkout>")
        home = str(Path.home())
        return re.sub(re.escape(home) + r"(?=/|\b)", "~", text)


# -- the walk, as the guide tells it ---------------------------------------------------------------------------


def walk(w: Walk) -> None:
    (w.root / "cases").mkdir(parents=True)
    w.run("setup", f"python3 -m pip wheel -q --no-deps -w dist {REPO}", output=False)
    w.run("setup", "python3 -m venv venv && . venv/bin/activate", output=False)
    w.run("setup", "pip install -q dist/mpmatrix-*.whl pytest tox", output=False)
    w.run("interpreters", "mpmatrix interpreters")
    w.same_machine("interpreters")

    # 1. a version boundary
    w.write_case("default_start_method.py")
    w.show_file("m1-case", "cases/default_start_method.py")
    w.run("m1-record", "mpmatrix run cases/default_start_method.py")
    w.run("m1-bless-ask", "mpmatrix bless cases/default_start_method.py --results results/", status=2,
          echo_status=True)
    w.run("m1-bless", "mpmatrix bless cases/default_start_method.py --results results/ --yes")
    w.edit("cases/default_start_method.py", '# implementation = ["cpython"]',
           "# holds = false  # refuted from 3.14: forkserver became the default on Linux")
    w.run("m1-edited", "sed -n '1,20p' cases/default_start_method.py")
    w.run("m1-pass", "mpmatrix run cases/default_start_method.py")

    # 2. an implementation difference
    w.write_case("pool_freed_on_del.py")
    w.show_file("m2-case", "cases/pool_freed_on_del.py")
    w.run("m2-bless", "mpmatrix bless cases/pool_freed_on_del.py --yes")
    w.edit("cases/pool_freed_on_del.py", '# python = "<3.8"',
           "# holds = false  # 3.7: the worker-handler thread holds the Pool itself (args=(self, )), so `del` frees nothing")
    w.edit("cases/pool_freed_on_del.py", '# implementation = ["pypy"]',
           "# holds = false  # PyPy has no reference counting: the Pool is freed at a later garbage collection")
    w.show_file("m2-edited", "cases/pool_freed_on_del.py", case_block_only=True)
    w.run("m2-rebless", "mpmatrix bless cases/pool_freed_on_del.py")
    w.run("m2-pass", "mpmatrix run cases/pool_freed_on_del.py -q")

    # 3. a negative pattern and a known bug
    w.write_case("executor_map.py")
    w.show_file("m3-case", "cases/executor_map.py")
    w.run("m3-fail", "mpmatrix run cases/executor_map.py", status=1, echo_status=True)
    w.edit("cases/executor_map.py", '# stderr_not = ["Traceback[..]"]', "\n".join([
        "#",
        "# [[expect.when]]",
        '# implementation = ["pypy"]',
        '# python = "<3.10"',
        '# start_method = ["spawn", "forkserver"]',
        '# stdout = ""',
        "# exception = \"AttributeError: 'ProcessPoolExecutor' object has no attribute '_adjust_process_count'\"",
        '# known_bug = "PyPy 3.9 (7.3.10-7.3.11): submit() calls _adjust_process_count, renamed '
        '_adjust_process_count_cpython; https://github.com/pypy/pypy/issues/3873"',
    ]))
    w.show_file("m3-known-bug", "cases/executor_map.py", case_block_only=True)
    w.run("m3-pass", "mpmatrix run cases/executor_map.py")
    w.run("m3-repeat", "mpmatrix run cases/executor_map.py --python pypy3.9 --repeat 5 --out repeated -q")

    # 4. a traceback in the expected output
    w.write_case("child_exitcode.py")
    w.show_file("m4-case", "cases/child_exitcode.py")
    w.run("m4-record", "mpmatrix run cases/child_exitcode.py")
    w.run("m4-bless", "mpmatrix bless cases/child_exitcode.py --results results/ --yes")
    w.run("m4-pass", "mpmatrix run cases/child_exitcode.py -q")
    w.edit("cases/child_exitcode.py", '# implementation = ["cpython"]',
           "# holds = false  # up to 3.8 a bare sys.exit() in the child gives exit code 1 (bpo-35727)")
    w.run("m4-refuted", "mpmatrix run cases/child_exitcode.py")

    # 5. a difference on PyPy only
    w.write_case("thread_dump_lines.py")
    w.show_file("m5-case", "cases/thread_dump_lines.py")
    w.run("m5-record", "mpmatrix run cases/thread_dump_lines.py")
    w.run("m5-bless", "mpmatrix bless cases/thread_dump_lines.py --results results/ --yes")
    w.edit("cases/thread_dump_lines.py", '# implementation = ["pypy"]',
           "# holds = false  # PyPy's dumper prints each code object's co_firstlineno, not the frame's line")
    w.run("m5-repeat", "mpmatrix run cases/thread_dump_lines.py --repeat 5 --out repeated -q")
    w.run("m5-show", "mpmatrix show M5")

    # 6. pytest
    w.run("pytest-all", "pytest cases -q")
    w.run("pytest-xfail", "pytest cases/executor_map.py --mpmatrix-python 3.9 --mpmatrix-python pypy3.9 -v -rx "
          "--junit-xml results/junit.xml")

    # 7. tox, and a case that needs it
    w.write_case("multiprocess_lambda.py")
    w.show_file("m6-case", "cases/multiprocess_lambda.py")
    w.run("m6-skip", "mpmatrix run cases/multiprocess_lambda.py")
    shutil.copyfile(HERE / "tox.ini", w.root / "tox.ini")
    w.show_file("tox-ini", "tox.ini", language="ini")
    w.newest = False  # a shell without the newest-pythons wrappers on PATH, for tox
    w.run("tox-missing", "tox -e py39-fork", status=1)
    w.export("tox-path", "export PATH=\"$(printf '%s:' ~/.pyenv/versions/3.*/bin)$PATH\"")
    w.run("tox-path", "tox -p")
    w.run("tox-report", "mpmatrix report results/tox/")
    w.run("m6-bless", "mpmatrix bless cases/multiprocess_lambda.py --results results/tox/ --yes")
    w.run("tox-one", "tox -e pypy39-spawn -- -k multiprocess_lambda")
    w.run("tox-again", "tox -p")
    w.run("tox-again", "mpmatrix report results/tox/")

    # 8. the whole folder, and the reports
    w.newest, w.exports = True, []  # back in the first shell
    w.run("all", "mpmatrix run -q")
    w.run("reports", "mpmatrix report results/ --format html -o report.html")
    w.run("reports", "mpmatrix claims results/")


# -- the guide ---------------------------------------------------------------------------------------------------


def render(body_parts: List[str]) -> str:
    """A block's text: consecutive commands in one console block, files in their own blocks."""
    out: List[str] = []
    console: List[str] = []
    for part in body_parts:
        if part.startswith("```"):
            if console:
                out.append("```console\n" + "\n".join(console) + "\n```")
                console = []
            out.append(part)
        else:
            console.append(part)
    if console:
        out.append("```console\n" + "\n".join(console) + "\n```")
    return "\n\n".join(out) + "\n"


def fill(guide: str, blocks: Dict[str, List[str]]) -> str:
    names = [m["name"] for m in BLOCK.finditer(guide)]
    missing = sorted(set(blocks) - set(names))
    unfilled = sorted(set(names) - set(blocks))
    if missing or unfilled:
        raise WalkError(f"{GUIDE.name}: blocks the walk made but the guide lacks: {missing or 'none'}; "
                        f"blocks of the guide the walk did not make: {unfilled or 'none'}")
    return BLOCK.sub(lambda m: f"<!-- walk:{m['name']} -->\n{render(blocks[m['name']])}<!-- /walk -->", guide)


def fill_some(guide: str, blocks: Dict[str, List[str]]) -> str:
    """The guide with the given blocks filled and the others left as they are."""
    return BLOCK.sub(lambda m: f"<!-- walk:{m['name']} -->\n{render(blocks[m['name']])}<!-- /walk -->"
                     if m["name"] in blocks else m[0], guide)


def steady(text: str) -> str:
    """A block as two walks on one machine agree on it: durations left out, tox -p's lines as each env ends left
    out, its summary lines (printed in the order the envs finished) sorted."""
    text = TOX_PROGRESS.sub("", text)
    text = TOX_DURATION.sub("<t>", text)
    text = re.sub(r" *" + DURATION.pattern, " <t>", text)  # and the padding before them
    # pytest centres its banners in the terminal's width: the rules' length follows the text's (a path, a duration)
    text = re.sub(r"(?m)^([=-])\1{2,} (.*?) \1{3,}$", r"\1\1\1 \2 \1\1\1", text)
    # mpmatrix run prints each failing cell's reason as the cell ends: cells that end together, in either order.
    text = re.sub(r"(?ms)^FAIL: .*?(?=\n\n)", lambda m: "\n".join(sorted(re.split(r"\n(?=FAIL: )", m[0]))), text)
    lines = text.split("\n")
    env_lines = sorted(i for i, line in enumerate(lines) if re.match(r"\s*[\w.-]+: (OK|FAIL|SKIP)", line))
    if env_lines:
        ordered = sorted(lines[i] for i in env_lines)
        for i, line in zip(env_lines, ordered):
            lines[i] = line
    return "\n".join(lines)


def compare(old: str, new: str, only: Optional[str] = None) -> List[str]:
    """The blocks (or the one block `only`) whose steady text differs, each with a diff."""
    before = {m["name"]: m["body"] for m in BLOCK.finditer(old)}
    after = {m["name"]: m["body"] for m in BLOCK.finditer(new)}
    problems = []
    for name in [only] if only else after:
        a, b = steady(before.get(name, "")), steady(after[name])
        if a != b:
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "the guide", "this walk", lineterm="", n=1)
            problems.append(f"block {name}:\n" + "\n".join(diff))
    return problems


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the guide instead of rewriting it")
    parser.add_argument("--keep", action="store_true", help="keep the walk's folder")
    parser.add_argument("--quiet", action="store_true", help="do not print the commands as they run")
    args = parser.parse_args(argv)
    top = Path(tempfile.mkdtemp(prefix="mpmatrix-walk-"))
    guide = GUIDE.read_text()
    w = Walk(top / "walk", log=not args.quiet, guide=guide if args.check else None)
    started = time.monotonic()
    try:
        walk(w)
    except OtherMachine as exc:
        print(f"walk: {exc}", file=sys.stderr)
        shutil.rmtree(top, ignore_errors=True)
        return OTHER_MACHINE
    except WalkError as exc:
        print(f"walk: {exc}", file=sys.stderr)
        print(f"walk: the folder is kept: {top}", file=sys.stderr)
        return 1
    finally:
        for command, elapsed, status in w.timings:
            print(f"[walk] {elapsed:7.1f} s  exit {status}  {command}", file=sys.stderr)
        print(f"[walk] {time.monotonic() - started:7.1f} s in all", file=sys.stderr)
    # What each step took, for the guide's last section (durations are not compared by --check).
    w.blocks["took"] = ["```text\n" + "\n".join(f"{elapsed:6.1f} s  exit {status}  $ {w.redact(command)}"
                                                for command, elapsed, status in w.timings)
                        + f"\n{time.monotonic() - started:6.1f} s in all\n```"]
    try:
        new = fill(guide, w.blocks)
    except WalkError as exc:
        (top / "blocks.md").write_text("".join(f"<!-- walk:{name} -->\n{render(parts)}<!-- /walk -->\n\n"
                                               for name, parts in w.blocks.items()))
        print(f"walk: {exc}\nwalk: the blocks it made are in {top / 'blocks.md'}", file=sys.stderr)
        return 1
    leaks = sorted(set(re.findall(r"/tmp/[\w./-]+", "".join("".join(v) for v in w.blocks.values()))))
    if leaks:
        print(f"walk: outputs still name temporary paths: {leaks[:5]}", file=sys.stderr)
        return 1
    if args.keep:
        print(f"walk: the folder is kept: {top}", file=sys.stderr)
    else:
        shutil.rmtree(top, ignore_errors=True)
    if args.check:
        problems = compare(guide, new)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"walk: {len(problems)} block(s) of {GUIDE.name} differ from this walk" if problems
              else f"walk: {GUIDE.name} is what this walk printed (durations aside)", file=sys.stderr)
        return 1 if problems else 0
    GUIDE.write_text(new)
    print(f"walk: {GUIDE.relative_to(REPO)}: {len(w.blocks)} blocks written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
