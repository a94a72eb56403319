"""The `mpmatrix` command line: run, list, show, interpreters, report, claims, bless. Heavy imports stay lazy."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, List, Optional, Sequence

from harness.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

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
                     choices=("fork", "spawn", "forkserver"), help="only this start method (repeatable; default: all)")
    run.add_argument("--out", default="results", metavar="DIR", help="write DIR/results.json (default: results/)")
    run.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                     help="cells run at once (default: the CPU count, and up to 4 times that while the CPUs are "
                          "mostly idle because cells wait)")
    run.add_argument("--repeat", type=_positive_int, default=1, metavar="N",
                     help="run every cell N times; cells whose observations disagree are flaky")
    run.add_argument("--resume", metavar="DIR", help="finish an interrupted run in DIR without re-running recorded cells")
    run.add_argument("--cap", type=_positive_int, default=4 * 1024 * 1024, metavar="BYTES",
                     help="keep at most this much of each output stream (default 4 MiB)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no matrix, only the summary line")
    run.set_defaults(func=cmd_run)

    lst = sub.add_parser("list", help="each case's name, claim IDs and claim")
    lst.add_argument("paths", nargs="*", metavar="CASE_PATH")
    lst.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="a case's claim, source and expectations")
    show.add_argument("case", metavar="CASE", help="a case name or file")
    show.add_argument("--cases", default=DEFAULT_CASES, metavar="DIR", help="where to look for a case by name")
    show.set_defaults(func=cmd_show)

    interp = sub.add_parser("interpreters", help="the interpreters found and where they were found")
    _add_python(interp)
    interp.set_defaults(func=cmd_interpreters)

    report = sub.add_parser("report", help="merge results files and render them")
    report.add_argument("paths", nargs="*", default=["results"], metavar="RESULTS", help="results files or folders (default: results/)")
    report.add_argument("--format", "-f", default="terminal", choices=("terminal", "md", "html", "json", "junit"))
    report.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    _add_target(report)
    report.set_defaults(func=cmd_report)

    claims = sub.add_parser("claims", help="a Markdown report of every claim's verdict with its evidence")
    claims.add_argument("paths", nargs="*", default=["results"], metavar="RESULTS")
    claims.add_argument("--claims-file", metavar="FILE", help="the claims list (IDs and text) to report against")
    claims.add_argument("--output", "-o", metavar="FILE")
    _add_target(claims)
    claims.set_defaults(func=cmd_claims)

    bless = sub.add_parser("bless", help="write the observed behaviour into a case's expectations")
    bless.add_argument("paths", nargs="+", metavar="CASE_PATH")
    _add_python(bless)
    bless.add_argument("--start-method", "-m", action="append", dest="start_methods", metavar="M",
                       choices=("fork", "spawn", "forkserver"))
    bless.add_argument("--results", action="append", metavar="RESULTS.json", help="use these results instead of running")
    bless.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1, metavar="N")
    bless.add_argument("--yes", "-y", action="store_true", help="write without asking")
    bless.set_defaults(func=cmd_bless)
    return parser


def _add_python(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", "-p", action="append", metavar="EXE_OR_VERSION",
                        help="an interpreter: a path, a command, or a version like 3.12 (repeatable; default: every one found)")


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


def _version() -> str:
    from harness import __version__

    return __version__


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"mpmatrix: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `mpmatrix list | head`
        return EXIT_OK


# -- interpreters ---------------------------------------------------------------------------------------------


def cmd_interpreters(args: argparse.Namespace) -> int:
    from harness.interpreters import select_interpreters

    from harness.interpreters import interpreter_table

    found = select_interpreters(args.python, lambda line: print(line))
    for line in interpreter_table(found):
        print(line)
    return EXIT_OK


# -- run ------------------------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    import platform as host_platform
    import signal
    import threading

    from harness import execute, results as results_io
    from harness.display import make_display, now_iso
    from harness.interpreters import interpreter_info, select_interpreters
    from harness.model import Run
    from harness.plan import load_cases, plan
    from harness.render.terminal import render_terminal, summary_line
    from harness.runner import job_limits, order_longest_first, run_all

    out_dir = Path(args.resume or args.out)
    paths = args.paths or [DEFAULT_CASES]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:  # a mistyped path is a usage error, not an `error` cell in a results file
        raise UsageError(f"no such file or folder: {', '.join(missing)}; expected case files or folders of them")
    cases, broken = load_cases(paths)
    if not cases and not broken:
        raise UsageError(f"no case files under {', '.join(paths)}; a case is a .py file with a `# /// case` block")
    for _, error in broken:
        print(f"mpmatrix: {error}", file=sys.stderr)
    interpreters = select_interpreters(args.python, lambda line: print(line, file=sys.stderr))
    planned = plan(cases, broken, interpreters, args.start_methods, args.repeat)

    previous: List[Any] = []
    results_path = out_dir / results_io.RESULTS_NAME
    journal_path = out_dir / results_io.JOURNAL_NAME
    if results_path.exists():
        try:
            previous = list(results_io.read_run(results_path).results)
        except results_io.ResultsError as exc:
            if args.resume:
                raise UsageError(str(exc)) from None
    durations = {r.key: r.duration_s for r in previous}
    done_before: List[Any] = []
    if args.resume:  # cells recorded before the interruption are kept, not run again
        done_before = previous + results_io.read_journal(journal_path)
        recorded = {r.key for r in done_before}
        planned = [item for item in planned if item.cell.key not in recorded]
    planned = order_longest_first(planned, durations)

    # an explicit --jobs is exact; by default idle cores take more of the cells that mostly wait
    jobs, max_jobs = job_limits(args.jobs)
    display = make_display(args.quiet)
    collected: List[Any] = list(done_before)
    journal = results_io.Journal(journal_path, resume=bool(args.resume))
    stop = threading.Event()

    def progress(result: Any) -> None:
        if stop.is_set():
            return  # cells ended by an interruption are not observations
        collected.append(result)
        journal.append(result)
        display.update(result)

    started, clock = now_iso(), time.monotonic()
    interrupted = False
    _interrupt_on_termination()
    display.start(len(planned))
    try:
        _, complete = run_all(planned, jobs, progress, cap_bytes=args.cap, stop=stop, max_jobs=max_jobs)
    except KeyboardInterrupt:
        interrupted, complete = True, False
        stop.set()

        def hurry(signum: int, frame: Any) -> None:  # a second Ctrl+C: kill at once, still leaving nothing
            execute.kill_all()
            os._exit(EXIT_INTERRUPTED)

        previous_handler = signal.signal(signal.SIGINT, hurry)
        execute.end_all()
        signal.signal(signal.SIGINT, previous_handler)
    finally:
        display.stop()
        journal.close()
    elapsed = time.monotonic() - clock
    merged = results_io.combine_by_cell(collected)
    run = Run(
        results=tuple(merged), started=started, finished=now_iso(), complete=complete and not interrupted,
        host={"platform": sys.platform, "os": host_platform.platform(), "machine": host_platform.machine(),
              "cpu_count": os.cpu_count(), "jobs": jobs, "max_jobs": max_jobs, "repeat": args.repeat,
              "cell_environment": dict(execute.CELL_ENV)},
        interpreters=tuple(interpreter_info(i) for i in interpreters), harness_version=_version(),
    )
    results_io.write_run(run, results_path)
    if run.complete:
        journal_path.unlink(missing_ok=True)
    if args.quiet:
        print(summary_line(list(run.results), elapsed))
    else:
        print(render_terminal(run, elapsed))
    print(f"results: {results_path}")
    if interrupted:
        print(f"interrupted: partial results in {results_path}; finish with `mpmatrix run --resume {out_dir}`", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if run.failed else EXIT_OK


def _interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP (a closed terminal) end a run as Ctrl+C does: cells ended, partial results written.

    Their default action would kill the harness alone and leave every running cell behind."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        # Replaces a tool's handler too (coverage's sigterm one kills the process): the run then ends normally.
        if sig is not None and signal.getsignal(sig) != signal.SIG_IGN:
            signal.signal(sig, interrupt)


# -- list and show --------------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from harness.plan import load_cases

    cases, broken = load_cases(args.paths or [DEFAULT_CASES])
    for case in cases:
        print(f"{case.name:<32} {','.join(case.ids):<10} {case.claim}")
    for _, error in broken:
        print(f"mpmatrix: {error}", file=sys.stderr)
    return EXIT_USAGE if broken else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from harness.casefile import CaseError, load_case
    from harness.plan import load_cases

    path = args.case
    if not os.path.isfile(path):
        cases, _ = load_cases([args.cases])
        matches = [c.path for c in cases if c.name == args.case]
        if not matches:
            raise UsageError(f"no case named {args.case!r} under {args.cases}/; `mpmatrix list` shows them")
        path = matches[0]
    try:
        case = load_case(path)
    except CaseError as exc:
        raise UsageError(str(exc)) from None
    print(f"{case.name}  ({case.path})")
    print(f"claim:  {case.claim}")
    print(f"source: {case.source}")
    print(f"ids:    {', '.join(case.ids)}")
    print(f"timeout: {case.timeout:g} s" + (f"; platforms: {', '.join(case.platforms)}" if case.platforms else ""))
    with open(case.path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    first, last = case.block
    print()
    print("\n".join(lines[first - 1 : last]))
    return EXIT_OK


# -- report, claims, bless ------------------------------------------------------------------------------------


def _write_output(text: str, output: Optional[str]) -> None:
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_report(args: argparse.Namespace) -> int:
    from harness import results as results_io

    from harness.target import target_for

    runs = results_io.load_runs(args.paths)
    merged = results_io.merge(runs)
    target = target_for(args.target)
    if args.format == "terminal":
        from harness.render.terminal import render_terminal

        text = render_terminal(merged, target=target)
    else:
        import importlib

        text = importlib.import_module(f"harness.render.{RENDERER_MODULES[args.format]}").render(merged, target=target)
    _write_output(text, args.output)
    return EXIT_FAILED if merged.failed else EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from harness import results as results_io
    from harness.render.claims import render_claims

    from harness.target import target_for

    merged = results_io.merge(results_io.load_runs(args.paths))
    _write_output(render_claims(merged, args.claims_file, target_for(args.target)), args.output)
    return EXIT_OK


def cmd_bless(args: argparse.Namespace) -> int:
    from harness.bless import bless_command

    return bless_command(args)
