"""The `mpmatrix` command line: run, list, show, interpreters, report, claims, bless. Heavy imports stay lazy."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Sequence, TextIO, Tuple

from harness.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

if TYPE_CHECKING:  # the CLI imports the rest of the harness lazily (see the module docstring)
    from harness.casefile import Case

DEFAULT_CASES = "cases"
RENDERER_MODULES = {"md": "markdown", "html": "html", "json": "json", "junit": "junit"}  # imported only when used


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpmatrix",
        description="Run Python concurrency claims as cases under every start method, Python version and OS.",
        epilog="Exit codes: 0 every expectation held, 1 some did not, 2 usage or input error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"mpmatrix {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run cases under every interpreter and start method; write results and show the matrix")
    run.add_argument("paths", nargs="*", metavar="CASE_PATH", help=f"case files or folders (default: {DEFAULT_CASES}/)")
    _add_python(run)
    run.add_argument("--start-method", "-m", action="append", dest="start_methods", metavar="M",
                     choices=("fork", "spawn", "forkserver", "default"), help="only this start method (repeatable; default: all)")
    run.add_argument("--out", default="results", metavar="DIR", help="write DIR/results.json (default: results/)")
    run.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                     help="cells run at once, exactly (default: the CPU count, and up to 8 times that while the "
                          "running cells are expected to leave CPUs idle because they wait; see README, Performance)")
    run.add_argument("--repeat", type=_repeat_count, metavar="N",
                     help="run every cell N times (default once); cells whose observations disagree are flaky")
    run.add_argument("--resume", metavar="DIR", help="finish an interrupted run in DIR without re-running recorded "
                     "cells (cells whose case file changed run again), with its case paths, --python, --start-method "
                     "and --repeat unless given again")
    run.add_argument("--cap", type=_positive_int, default=4 * 1024 * 1024, metavar="BYTES",
                     help="keep at most this much of each output stream (default 4 MiB)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no matrix, only the summary line")
    run.set_defaults(func=cmd_run)

    lst = sub.add_parser("list", help="each case's name, claim IDs and claim")
    lst.add_argument("paths", nargs="*", metavar="CASE_PATH")
    lst.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="a case's claim, source and expectations")
    show.add_argument("case", metavar="CASE", help="a case file, a case name, or a claim ID (S24: every case of it)")
    show.add_argument("--cases", default=DEFAULT_CASES, metavar="DIR", help="where to look for a case by name")
    show.set_defaults(func=cmd_show)

    interp = sub.add_parser("interpreters", help="the interpreters found and where they were found")
    _add_python(interp)
    interp.set_defaults(func=cmd_interpreters)

    envs = sub.add_parser("envs", help="the environments kept for cases with dependencies, and their disk use")
    envs.add_argument("--clean", action="store_true", help="remove every kept environment and resolution (the next "
                      "run makes them again, resolving anew)")
    envs.set_defaults(func=cmd_envs)

    report = sub.add_parser("report", help="merge results files and render them")
    report.add_argument("paths", nargs="*", default=["results"], metavar="RESULTS", help="results files or folders (default: results/)")
    report.add_argument("--format", "-f", default="terminal", choices=("terminal", "md", "html", "json", "junit"))
    report.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    _add_claims_file(report, "(html: claims grouped by claims file, with their verdicts)")
    _add_target(report)
    report.set_defaults(func=cmd_report)

    claims = sub.add_parser("claims", help="a Markdown report of every claim's verdict with its evidence")
    claims.add_argument("paths", nargs="*", default=["results"], metavar="RESULTS")
    _add_claims_file(claims, "")
    claims.add_argument("--output", "-o", metavar="FILE")
    _add_target(claims)
    claims.set_defaults(func=cmd_claims)

    bless = sub.add_parser("bless", help="write the observed behaviour into a case's expectations")
    bless.add_argument("paths", nargs="+", metavar="CASE_PATH")
    _add_python(bless)
    bless.add_argument("--start-method", "-m", action="append", dest="start_methods", metavar="M",
                       choices=("fork", "spawn", "forkserver", "default"))
    bless.add_argument("--results", action="append", metavar="RESULTS.json", help="use these results instead of running")
    bless.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1, metavar="N")
    bless.add_argument("--yes", "-y", action="store_true", help="write without asking")
    bless.set_defaults(func=cmd_bless)
    return parser


def _add_python(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", "-p", action="append", metavar="EXE_OR_VERSION",
                        help="an interpreter: a path, a command, or a version like 3.12 or 3.13.0 (repeatable, two "
                             "releases of one version included; default: the newest release of each version found)")
    parser.add_argument("--all-releases", action="store_true", default=None,
                        help="without --python, every release found rather than the newest of each version (e.g. "
                             "3.13.0 and 3.13.18; also MPMATRIX_RELEASES=all)")


def _add_claims_file(parser: argparse.ArgumentParser, note: str) -> None:
    parser.add_argument("--claims-file", action="append", dest="claims_files", metavar="FILE",
                        help="a claims file: a `# ` title naming the source, tables of `| ID | claim |` rows "
                             "(docs/claims-files.md); repeatable, one per source (default: claims/*.md beside the "
                             f"cases, if any) {note}".rstrip())


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", metavar="FILE",
                        help="the matrix meant to be covered, whose cells no results file holds are shown as not "
                             "observed (default: ./matrix.toml when there is one; `none` for no target)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _repeat_count(text: str) -> int:
    from harness.lifecycle import MAX_REPEAT

    value = _positive_int(text)
    if value > MAX_REPEAT:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_REPEAT:,} repetitions, got {text}")
    return value


def _version() -> str:
    from harness import __version__

    return __version__


def main(argv: Optional[Sequence[str]] = None) -> int:
    streams_that_can_say_it()
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from harness.session import signals_as_interrupt

    try:
        # SIGTERM and SIGHUP end any command as Ctrl+C does, at any moment: probing interpreters, making
        # environments, printing the summary (a run's own phases act on it themselves, inside this)
        with signals_as_interrupt():
            return int(args.func(args))
    except UsageError as exc:
        print(f"mpmatrix: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `mpmatrix list | head`
        return EXIT_OK
    except KeyboardInterrupt:  # before a run started or after it ended (a run acts on it itself): no traceback
        print("mpmatrix: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def streams_that_can_say_it(streams: Optional[Sequence[Any]] = None) -> None:
    """stdout and stderr write UTF-8 where their encoding cannot write the reports' symbols: on Windows a pipe or a
    file is cp1252 (unless PYTHONUTF8=1) and the first ✓ raised UnicodeEncodeError (seen with Windows CPython under
    Wine; a GitHub Windows runner's steps are pipes). A console, which Windows writes in UTF-16, and a UTF-8 locale
    are left alone. UTF-8 is what Python itself writes there from 3.15 on (PEP 686)."""
    from harness.model import Status, Verdict

    symbols = "".join(s.symbol for s in Status) + "".join(v.mark for v in Verdict if v.mark)
    for stream in (sys.stdout, sys.stderr) if streams is None else streams:
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            symbols.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(encoding="utf-8")


# -- interpreters ---------------------------------------------------------------------------------------------


def cmd_interpreters(args: argparse.Namespace) -> int:
    from harness.interpreters import discover, interpreter_table, select_interpreters

    found = select_interpreters(args.python, lambda line: None, args.all_releases)
    for line in interpreter_table(found):
        say(line)
    if not args.python:
        for problem in discover()[1]:  # each unusable one, and why (other commands only count them)
            say(f"mpmatrix: skipping {problem.executable} ({problem.source}): {problem.reason}", sys.stderr)
    return EXIT_OK


# -- environments ---------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def cmd_envs(args: argparse.Namespace) -> int:
    from harness import environments
    from harness.model import implementation_name

    root = environments.envs_dir()
    if args.clean:
        count, size = environments.clean()
        say(f"removed {count} {'environment' if count == 1 else 'environments'} ({_megabytes(size)}) from {root}")
        return EXIT_OK
    kept = list(environments.kept_environments())
    for env in kept:
        identity = env.interpreter
        interpreter = f"{implementation_name(identity.get('implementation', ''))} {identity.get('version', '')}"
        packages = " ".join(f"{name}=={version}" for name, version in sorted(env.packages.items()))
        say(f"{env.path.name}  {interpreter:<16} {' '.join(env.requirements):<28} {_megabytes(env.size):>9}  "
            f"made {env.made} in {env.seconds:.1f} s with {env.installer}: {packages}")
    total = environments.disk_use(root) if root.is_dir() else 0
    say(f"{len(kept)} {'environment' if len(kept) == 1 else 'environments'}, {_megabytes(total)} in {root} (a file "
        "linked from uv's cache is counted here once; `uv cache dir` is uv's own)")
    return EXIT_OK


# -- run ------------------------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """Parse into a RunRequest; the lifecycle runs it; print what came of it."""
    from harness.display import make_display
    from harness.lifecycle import RunRequest, run_matrix
    from harness.render.terminal import render_terminal, summary_line

    request = RunRequest(
        paths=tuple(args.paths or ()), pythons=tuple(args.python) if args.python else None,
        start_methods=tuple(args.start_methods) if args.start_methods else None, out=args.resume or args.out,
        resume=bool(args.resume), jobs=args.jobs, repeat=args.repeat, cap=args.cap, all_releases=args.all_releases,
    )
    outcome = run_matrix(request, make_display(args.quiet), lambda line: say(line, sys.stderr),
                         (lambda line: None) if args.quiet else None)
    if args.quiet:
        say(summary_line(list(outcome.run.results), outcome.elapsed_s))
    else:
        say(render_terminal(outcome.run, outcome.elapsed_s))
    if outcome.results_path is not None:
        say(f"results: {outcome.results_path}")
    for note in outcome.notes:
        say(note, sys.stderr)
    if outcome.problem:
        say(f"mpmatrix: error: {outcome.problem}", sys.stderr)
    return outcome.exit_code


def say(text: str, stream: Optional[TextIO] = None) -> None:
    """Print for a terminal: untrusted text escaped (controls, bidirectional controls), long lines clipped (a
    message on stderr only when a value in it is huge: its paths must be readable whole)."""
    from harness.render.terminal import MAX_LINE_CELLS, MAX_MESSAGE_CELLS, terminal_text

    stream = stream or sys.stdout
    print(terminal_text(text, MAX_MESSAGE_CELLS if stream is sys.stderr else MAX_LINE_CELLS), file=stream)


# -- list and show --------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from harness.plan import load_cases

    from harness.render.terminal import cell_len, escape_name, pad

    cases, broken = load_cases(args.paths or [DEFAULT_CASES])
    # one line each, whatever the names hold (escape_name: newlines and tabs too)
    rows = [(escape_name(case.name), escape_name(",".join(case.ids)), escape_name(case.claim)) for case in cases]
    # columns as wide as their widest entry, in terminal cells: long ID lists and wide characters stay aligned
    name_width = max((cell_len(name) for name, _, _ in rows), default=0)
    ids_width = max((cell_len(ids) for _, ids, _ in rows), default=0)
    for name, ids, claim in rows:
        say(f"{pad(name, name_width)}  {pad(ids, ids_width)}  {claim}")
    for _, error in broken:
        say(f"mpmatrix: {escape_name(str(error))}", sys.stderr)
    for case in cases:
        for warning in case.warnings:
            say(f"mpmatrix: warning: {escape_name(warning)}", sys.stderr)
    return EXIT_USAGE if broken else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """A case (by file, name or claim ID): its claim, source, IDs, why it shows what it shows, and its block."""
    from harness import files
    from harness.casefile import CaseError, explanation, load_case
    from harness.plan import load_cases
    from harness.render.terminal import escape_name

    paths = [args.case]
    if os.path.lexists(args.case) and not os.path.isfile(args.case) and not os.path.isdir(args.case):
        # a pipe, a device, a dangling link or a loop named as the case: said as it is, never opened
        try:
            load_case(args.case)
        except CaseError as exc:
            raise UsageError(str(exc)) from None
    if not os.path.isfile(args.case):
        cases, _ = load_cases([args.cases])
        paths = [c.path for c in cases if c.name == args.case] or [c.path for c in cases if args.case in c.ids]
        if not paths:
            raise UsageError(f"no case named {args.case!r} and none for the claim {args.case!r} under {args.cases}/; "
                             "`mpmatrix list` shows them")
    for index, path in enumerate(paths):
        try:
            case = load_case(path)
        except CaseError as exc:
            raise UsageError(str(exc)) from None
        if index:
            say("")
        say(f"{escape_name(case.name)}  ({escape_name(case.path)})")  # names: one line each, whatever they hold
        say(f"claim:  {escape_name(case.claim)}")
        say(f"source: {escape_name(case.source)}")
        say(f"ids:    {escape_name(', '.join(case.ids))}")
        say(f"timeout: {case.timeout:g} s" + (f"; platforms: {escape_name(', '.join(case.platforms))}" if case.platforms else ""))
        _show_dependencies(case)
        why = explanation(case.path)
        if why:
            say("")
            say(why)
        try:
            lines = files.read_text(case.path, files.CASE_FILE_LIMIT, "case file", "utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:  # changed since it was loaded just now
            raise UsageError(f"{case.path}: cannot read: {files.described(exc)}") from None
        first, last = case.block
        say("")
        say("\n".join(lines[first - 1 : last]))
    return EXIT_OK


def _show_dependencies(case: Case) -> None:
    """What the case needs installed, its variants and flags, and what its kept environments hold."""
    from harness import environments
    from harness.render.terminal import escape_name

    if not case.dependencies and not case.flags:
        return
    if case.dependencies:
        allowed = f" (requires-python {case.script.requires_python})" if case.script.requires_python else ""
        say(f"needs:  {escape_name(', '.join(case.dependencies))}{escape_name(allowed)}")
    for name, specs in case.variants:  # names and values: one line each, whatever the case block holds
        say(f"varies: {escape_name(name)} {escape_name(', '.join(specs))}")
    for name, values in case.flags:
        say(f"flags:  {escape_name(name)} = {escape_name(', '.join(values))}")
    wanted = {case.requirements(choice) for choice in case.variant_choices()} if case.dependencies else set()
    for env in environments.kept_environments():
        if env.requirements in wanted:
            identity = env.interpreter
            packages = ", ".join(f"{n} {v}" for n, v in environments.direct_packages(env.requirements, env.packages))
            say(f"kept:   {identity.get('implementation', '')} {identity.get('version', '')} "
                f"{' '.join(env.requirements)}: {packages or 'nothing'} ({env.path.name})")


# -- report, claims, bless ------------------------------------------------------------------------------------


def _write_output(text: str, output: Optional[str]) -> None:
    """To -o FILE (atomically: a full disk leaves no half report), or standard output; a problem is a UsageError."""
    if output:
        from harness.results import blocking_file, write_text_atomic

        path = Path(output)
        if path.is_dir():
            raise UsageError(f"-o {output}: a folder; expected a file name")
        blocked = blocking_file(path)
        if blocked is not None:
            raise UsageError(f"-o {output}: {blocked} is a file, not a folder")
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            raise UsageError(f"-o {output}: cannot write it ({exc.strerror or exc})") from None
        say(f"wrote {output}", sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_report(args: argparse.Namespace) -> int:
    from harness import results as results_io

    from harness.target import target_for

    runs = results_io.load_runs(args.paths)
    merged = results_io.merge(runs)
    target = target_for(args.target)
    if args.format == "terminal":
        from harness.render.terminal import render_terminal, terminal_text

        text = terminal_text(render_terminal(merged, target=target))
    else:
        import importlib

        renderer = importlib.import_module(f"harness.render.{RENDERER_MODULES[args.format]}")
        if args.format == "html":
            from harness.claims import load_claims_files

            claims = load_claims_files(args.claims_files, (r.case.path for r in merged.results))
            text = renderer.render(merged, target=target, claims=claims)
        else:
            text = renderer.render(merged, target=target)
    _write_output(text, args.output)
    return EXIT_FAILED if merged.failed else EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from harness import results as results_io
    from harness.render.claims import render_claims

    from harness.target import target_for

    merged = results_io.merge(results_io.load_runs(args.paths))
    _write_output(render_claims(merged, args.claims_files, target_for(args.target)), args.output)
    return EXIT_OK


def cmd_bless(args: argparse.Namespace) -> int:
    """Bless each case from its observed cells (a run of it here, or --results): show the diff, ask, write."""
    from harness import files
    from harness.analysis import plural
    from harness.bless import BlessError, Observations, bless
    from harness.casefile import CaseError, load_case
    from harness.render.terminal import escape_control

    status = EXIT_OK
    observations = Observations(args.results or (), args.python, args.start_methods, args.jobs, args.all_releases,
                                lambda line: say(line, sys.stderr))
    for path in args.paths:
        try:
            case = load_case(path)
        except CaseError as exc:
            raise UsageError(str(exc)) from None
        try:
            raw, text = _read_case(path)
        except (OSError, UnicodeDecodeError) as exc:  # changed since it was loaded
            raise UsageError(f"{path}: cannot read: {files.described(exc)}") from None
        try:
            results = observations.of(case)
            blessing = bless(case, text, results)
        except BlessError as exc:
            say(f"mpmatrix: {exc}", sys.stderr)
            status = max(status, EXIT_FAILED)
            continue
        if blessing.left_out():
            say(f"{path}: {blessing.left_out()}", sys.stderr)
        for note in blessing.notes:
            say(f"{path}: {note}", sys.stderr)
        for warning in blessing.warnings:
            say(f"mpmatrix: warning: {path}: {warning}", sys.stderr)
        if not blessing.changed:
            say(f"{path}: expectations already match the {plural(len(results), 'observed cell')}")
            continue
        sys.stdout.write(escape_control(blessing.diff()))  # the cells' output: no control reaches the terminal
        if not args.yes:
            if not sys.stdin.isatty():
                say(f"mpmatrix: {path}: not written: there is no terminal to ask; pass --yes to write it", sys.stderr)
                status = EXIT_USAGE
                continue
            answer = input(f"write {path}? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                continue
        problem = _unchanged_since_read(path, blessing.text)
        if problem:
            say(f"mpmatrix: {path}: not written: {problem}", sys.stderr)
            status = max(status, EXIT_FAILED)
            continue
        from harness.results import write_text_atomic

        # beside the file and renamed over it, with its mode: a signal or a full disk meanwhile leaves it as it was
        # in the file's own line ends: a case written on Windows keeps its \r\n
        new_text = blessing.new_text.replace("\n", "\r\n") if b"\r\n" in raw else blessing.new_text
        write_text_atomic(Path(path), new_text, stat.S_IMODE(os.stat(path).st_mode))
        say(f"{path}: blessed from {plural(len(results) - sum(blessing.not_blessed.values()), 'cell')}")
    return status


def _read_case(path: str) -> Tuple[bytes, str]:
    """A case file's bytes (their line ends are the ones bless writes back) and its text with universal newlines;
    raises OSError (files.NotRegular among them) or UnicodeDecodeError."""
    from harness import files

    raw = files.read_bytes(path, files.CASE_FILE_LIMIT, "case file")
    return raw, files.universal_newlines(raw.decode("utf-8"))


def _unchanged_since_read(path: str, text: str) -> str:
    """Why bless must not write path (no longer a regular file, or changed since bless read it, as it may while bless
    runs the case: an edit made meanwhile would be lost), or ""."""
    from harness import files

    try:
        _, now = _read_case(path)
    except (OSError, UnicodeDecodeError) as exc:  # files.NotRegular among them
        return files.described(exc)
    return "" if now == text else "it changed since bless read it; run bless again"
