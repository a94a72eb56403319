"""Tests for harness.judge: the status rules in order of precedence, and final_exception."""

from __future__ import annotations

import time

import pytest

from harness.casefile import parse_case
from harness.judge import final_exception, judge
from harness.model import Cell, Interpreter, Leftover, Observation, Status

INTERP = Interpreter(executable="python", version="3.12.1", platform="linux")


def case_with(expect: str = "", extra: str = ""):
    toml = 'claim = "c"\nsource = "s"\nids = ["S1"]\n' + extra + ("\n[expect]\n" + expect if expect else "")
    text = "\n".join(["# /// case"] + [("# " + l) if l else "#" for l in toml.splitlines()] + ["# ///", ""])
    return parse_case(text, "/cases/c.py")


def run(observation: Observation, expect: str = 'stdout = "ok"', extra: str = "", method: str = "spawn"):
    case = case_with(expect, extra)
    return judge(case, Cell(case.name, case.path, INTERP, method), observation)


OK = Observation(exit=0, stdout="ok\n")


def test_pass():
    result = run(OK)
    assert (result.status, result.judged.holds, result.exit, result.judged.message, result.judged.diff) == (Status.PASS, True, "0", "", "")
    assert result.judged.expectation == "[expect]" and result.observed.stdout == "ok\n"


def test_holds_false_is_carried_on_a_pass():
    assert run(OK, 'stdout = "ok"\nholds = false').judged.holds is False


def test_fail_with_a_diff_that_shows_the_pattern_lines():
    result = run(Observation(exit=0, stdout="one\nTWO\nthree\n"), 'stdout = """\none\ntwo [..]\nthree\n"""')
    assert result.status is Status.FAIL and result.status.is_failure
    assert result.judged.message.startswith("stdout: ")
    assert result.judged.diff.startswith("stdout:\n") and "-two [..]" in result.judged.diff and "+TWO" in result.judged.diff


def test_fail_on_exit_and_exception():
    stderr = "Traceback (most recent call last):\n  File \"/cases/c.py\", line 3, in <module>\nKeyError: 'x'\n"
    result = run(Observation(exit=1, stderr=stderr), 'exception = "ValueError: [..]"')
    assert result.status is Status.FAIL
    assert "exception: expected 'ValueError: [..]', got \"KeyError: 'x'\"" in result.judged.message
    assert run(Observation(exit=2), "exit = 0").judged.message == "exit: expected 0, got 2"


def test_expected_exception_passes_with_default_exit_1():
    stderr = "Traceback (most recent call last):\n  File \"/cases/c.py\", line 3, in <module>\nValueError: bad 42\n"
    result = run(Observation(exit=1, stderr=stderr), 'exception = "ValueError: bad [..]"')
    assert result.status is Status.PASS and result.judged.exception == "ValueError: bad 42"


def test_recorded_when_no_expectation_applies():
    result = run(OK, expect="")
    assert (result.status, result.judged.holds) == (Status.RECORDED, None) and not result.status.is_failure


def test_when_only_other_start_methods_is_recorded_here():
    result = run(OK, expect="", extra='\n[[expect.when]]\nstart_method = ["fork"]\nexit = 3\n', method="spawn")
    assert result.status is Status.RECORDED


def test_unsupported_exit_78_and_skip_exit_77():
    unsupported = run(Observation(exit=78, stdout="whatever"))
    assert (unsupported.status, unsupported.judged.holds) == (Status.UNSUPPORTED, None)
    skip = run(Observation(exit=77))
    assert (skip.status, skip.judged.holds, skip.judged.message) == (Status.SKIP, None, "the case skipped itself (exit 77)")
    said = run(Observation(exit=77, stdout="part 1\n", stderr="no /proc here\n\n"))
    assert said.judged.message == "the case skipped itself (exit 77): no /proc here"
    assert run(Observation(exit=77, stdout="only stdout\n")).judged.message.endswith("(exit 77): only stdout")


def test_timeout_beats_everything_but_harness_errors():
    result = run(Observation(signal="SIGTERM", timed_out=True, stacks="Thread 0x1 ...", stdout="ok\n"), extra="timeout = 2\n")
    assert result.status is Status.TIMEOUT and "2 s" in result.judged.message and result.observed.stacks == "Thread 0x1 ..."


def test_crash_by_an_unexpected_signal():
    result = run(Observation(signal="SIGSEGV", stdout="ok\n"))
    assert (result.status, result.exit, result.judged.message) == (Status.CRASH, "signal:SIGSEGV", "ended by SIGSEGV")


def test_an_expected_signal_is_not_a_crash():
    result = run(Observation(signal="SIGINT"), 'exit = "signal:SIGINT"')
    assert result.status is Status.PASS
    assert run(Observation(signal="SIGKILL"), 'exit = "signal:SIGINT"').status is Status.CRASH


LEFT = (Leftover(pid=4242, cmdline="python -c sleep"), Leftover(pid=4243, cmdline="defunct", zombie=True))


def test_leak_names_count_and_command_lines_zombies_do_not_count():
    result = run(Observation(exit=0, stdout="ok\n", leftovers=LEFT))
    assert result.status is Status.LEAK and result.judged.message == "1 process(es) outlived the main process: python -c sleep"
    assert run(Observation(exit=0, stdout="ok\n", leftovers=LEFT[1:])).status is Status.PASS


def test_leaks_true_expects_them():
    assert run(Observation(exit=0, stdout="ok\n", leftovers=LEFT), 'stdout = "ok"\nleaks = true').status is Status.PASS
    missing = run(Observation(exit=0, stdout="ok\n"), 'stdout = "ok"\nleaks = true')
    assert missing.status is Status.FAIL and "leaks: expected" in missing.judged.message


def test_leak_without_expectation_is_still_a_leak():
    assert run(Observation(exit=0, leftovers=LEFT), expect="").status is Status.LEAK


def test_harness_error_is_error():
    result = run(Observation(harness_error="cannot start /nope: No such file"))
    assert (result.status, result.judged.holds, result.judged.message) == (Status.ERROR, None, "cannot start /nope: No such file")


def test_outputs_are_normalized_and_the_cell_folder_redacted_raw_kept():
    raw = "cwd /tmp/mpmatrix-cell-ab12_x/sub at 0x7f3a55aa10\n"
    result = run(Observation(exit=0, stdout=raw), 'stdout = "cwd <tmp>/sub at 0x<addr>"')
    assert result.status is Status.PASS and result.observed.stdout == raw


def test_redaction_is_linear_on_a_flood_of_long_lines():
    flood = ("x" * 1023 + "\n") * 4096  # 4 MiB, the default cap: used to take ~28 s
    started = time.process_time()  # CPU time: the harness's own work, whatever else the machine runs
    result = run(Observation(exit=0, stdout=flood), expect="")
    assert result.status is Status.RECORDED and time.process_time() - started < 3


def test_flags_and_counts_are_carried_over():
    result = run(Observation(exit=0, stdout="ok\n", stdout_dropped=10, stderr_dropped=3, invalid_utf8=True, duration_s=1.5))
    assert (result.observed.stdout_dropped, result.observed.stderr_dropped, result.observed.invalid_utf8, result.observed.duration_s) == (10, 3, True, 1.5)


@pytest.mark.parametrize("stderr, expected", [
    ("", ""),
    ("plain warning\n", ""),
    ("Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    f()\nValueError: boom\n", "ValueError: boom"),
    # chained: the last traceback wins
    ("Traceback (most recent call last):\n  File \"a\"\nKeyError: 1\n\nDuring handling of the above exception, another "
     "exception occurred:\n\nTraceback (most recent call last):\n  File \"b\"\nRuntimeError: wrapped\n", "RuntimeError: wrapped"),
    # a traceback from a child, then the parent's
    ("Process Process-1:\nTraceback (most recent call last):\n  File \"c\"\nOSError: child\nTraceback (most recent call last):\n"
     "  [stdlib frames]\nmultiprocessing.pool.RemoteTraceback: x\n", "multiprocessing.pool.RemoteTraceback: x"),
    ("Traceback (most recent call last):\n  File \"x\"\nSystemExit: 3   \nafter\n", "SystemExit: 3"),
    ("Traceback (most recent call last):\n  File \"x\"\n", ""),  # torn: no exception line yet
])
def test_final_exception(stderr, expected):
    assert final_exception(stderr) == expected


def test_a_pattern_over_its_budget_is_an_error_naming_the_case_file_line_with_the_output_kept():
    result = run(Observation(exit=0, stdout="ok\n" + "a" * 60 + "b\n"), 'stdout = """\nok\n(a|aa)+$ (re)\n"""')
    assert result.status is Status.ERROR and result.judged.holds is None
    assert result.judged.message.startswith("/cases/c.py:9: regex '(a|aa)+$' took more than 0.5 s of CPU time")
    assert result.observed.stdout == "ok\n" + "a" * 60 + "b\n"


def test_a_normalize_rule_over_its_budget_is_an_error_naming_its_line():
    result = run(Observation(exit=0, stdout="a" * 60 + "b\n"), 'stdout = "x"', extra="normalize = [['(a|aa)+$', 'x']]\n")
    assert result.status is Status.ERROR
    assert result.judged.message.startswith("/cases/c.py:5: normalize rule 1 ('(a|aa)+$') took more than 0.5 s of CPU time")


def test_judging_is_abandoned_when_the_run_stops():
    import threading

    from harness.match import JudgingStopped

    stop = threading.Event()
    stop.set()
    case = case_with('stdout = """\n...\n' + "[..]x\n" * 300 + 'y\n..."""')
    with pytest.raises(JudgingStopped):
        judge(case, Cell(case.name, case.path, INTERP, "fork"), Observation(exit=0, stdout="ax\n" * 100_000), stop)


# Exceptions with notes (3.11+ add_note, 3.14's pickling notes) and exception groups: real stderr from
# tests/data/tracebacks (see tests/test_tracebacks.py).

from pathlib import Path  # noqa: E402

TRACEBACKS = Path(__file__).parent / "data" / "tracebacks"
QUEUE_ERROR = "RuntimeError: Queue objects should only be shared between processes through inheritance"
QUEUE_STDERR = f'stderr = """\nTraceback (most recent call last):\n...\n{QUEUE_ERROR}\n"""\n'


def captured(name: str) -> Observation:
    return Observation(exit=1, stderr=(TRACEBACKS / f"{name}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("python", ["3.14", "3.15"])
def test_notes_after_the_exception_line_are_not_the_exception(python):
    result = run(captured(f"seed_pool_queue_argument--{python}"), f'exception = "{QUEUE_ERROR}"\n' + QUEUE_STDERR)
    assert (result.status, result.judged.exception) == (Status.PASS, QUEUE_ERROR)
    assert result.judged.stderr.endswith(f"{QUEUE_ERROR}\nwhen serializing tuple item 0\nwhen serializing tuple item 3\n")


def test_a_stderr_pattern_may_ask_for_the_notes():
    notes = f'exit = 1\nstderr = """\nTraceback (most recent call last):\n...\n{QUEUE_ERROR}\nwhen serializing tuple item 0\nwhen serializing tuple item [..]\n"""\n'
    assert run(captured("seed_pool_queue_argument--3.14"), notes).status is Status.PASS
    wrong = notes.replace("tuple item 0", "dict item 0")
    result = run(captured("seed_pool_queue_argument--3.14"), wrong)
    assert result.status is Status.FAIL and "-when serializing dict item 0" in result.judged.diff
    # notes asked for where Python prints none fail too
    assert run(captured("pickling_notes--3.13"), 'exit = 1\nstderr = """\n...\nTypeError: [..]\nwhen serializing [..]\n"""').status is Status.FAIL


def test_other_output_after_the_exception_is_still_checked():
    stderr = f"Traceback (most recent call last):\n  File \"x\"\n{QUEUE_ERROR}\n<stdlib>/x.py:1: UserWarning: leaked\n"
    result = run(Observation(exit=1, stderr=stderr), "exit = 1\n" + QUEUE_STDERR)
    assert result.status is Status.FAIL and "+<stdlib>/x.py:1: UserWarning: leaked" in result.judged.diff


def test_an_exception_group_is_its_own_line_and_its_sub_exceptions_match_in_stderr():
    group = "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)"
    assert run(captured("group_taskgroup--3.15"), f'exception = "{group}"').status is Status.PASS
    subs = f'exception = "{group}"\nstderr = """\n...\n    | ValueError: a\n...\n    | ValueError: b\n...\n"""\n'
    assert run(captured("group_taskgroup--pypy3.11"), subs).status is Status.PASS
    assert run(captured("group_taskgroup--3.15"), subs.replace("ValueError: b", "TypeError: b")).status is Status.FAIL


def test_a_syntax_error_without_a_traceback_header_is_the_exception():
    result = run(captured("syntax_error--3.15"), "exception = \"SyntaxError: '(' was never closed\"")
    assert (result.status, result.judged.exception) == (Status.PASS, "SyntaxError: '(' was never closed")


# -- negative patterns and known bugs ------------------------------------------------------------------------------


def test_a_negative_pattern_fails_naming_the_offending_line_and_the_pattern_line():
    observation = Observation(exit=0, stdout="ok\nWARNING: leaked semaphore 3\n")
    result = run(observation, 'stdout_not = ["Traceback[..]", "WARNING: [..]"]')
    assert result.status is Status.FAIL
    assert result.judged.message == ("stdout_not: stdout line 2 'WARNING: leaked semaphore 3' matches 'WARNING: [..]' "
                              "(/cases/c.py:7), a line that must not appear")
    assert run(Observation(exit=0, stdout="ok\n"), 'stdout_not = ["WARNING: [..]"]').status is Status.PASS


def test_a_negative_stderr_pattern_is_checked_beside_the_positive_one():
    observation = Observation(exit=0, stdout="ok\n", stderr="resource_tracker: 1 leaked\n")
    result = run(observation, 'stdout = "ok"\nstderr = "..."\nstderr_not = "resource_tracker: [..] leaked"')
    assert result.status is Status.FAIL and result.judged.message.startswith("stderr_not: stderr line 1 ")


def test_a_known_bug_is_neither_holds_nor_refuted():
    result = run(OK, 'stdout = "ok"\nknown_bug = "bpo-1: it prints ok"')
    assert (result.status, result.judged.holds, result.judged.known_bug) == (Status.PASS, None, "bpo-1: it prints ok")
    fixed = run(Observation(exit=0, stdout="fixed\n"), 'stdout = "ok"\nknown_bug = "bpo-1: it prints ok"')
    assert fixed.status is Status.FAIL and fixed.judged.known_bug == "bpo-1: it prints ok"  # the bug's fix is noticed
    assert run(OK).judged.known_bug == ""


def test_a_known_bug_in_a_when_table_applies_only_there():
    expect = 'stdout = "ok"\n\n[[expect.when]]\nstart_method = ["fork"]\nknown_bug = "gh-2: fork only"'
    assert run(OK, expect, method="fork").judged.known_bug == "gh-2: fork only"
    spawn = run(OK, expect, method="spawn")
    assert (spawn.judged.known_bug, spawn.judged.holds) == ("", True)


# -- the tail of stderr explains a failure the case's patterns do not -------------------------------------------


TRACEBACK = ("Traceback (most recent call last):\n  File \"/cases/c.py\", line 3, in <module>\n"
             "    main()\nModuleNotFoundError: No module named 'nope'\n")


def test_an_exit_mismatch_shows_the_tail_of_an_unchecked_stderr():
    result = run(Observation(exit=1, stdout="", stderr=TRACEBACK), 'stdout = "ok"')
    assert result.status is Status.FAIL
    head, tail = result.judged.message.split("\nstderr:\n")
    assert head.startswith("exit: expected 0, got 1; stdout: ")
    assert tail.splitlines()[-1] == "  ModuleNotFoundError: No module named 'nope'"


def test_only_the_last_ten_lines_are_shown_and_the_count_is_said():
    stderr = "".join(f"noise {n}\n" for n in range(30)) + TRACEBACK
    message = run(Observation(exit=1, stderr=stderr), "exit = 0").judged.message
    assert "\nstderr, last 10 of 34 lines:\n  noise 24\n" in message and message.endswith("No module named 'nope'")


def test_no_tail_when_the_case_checks_stderr_or_stderr_is_empty_or_only_the_exception_differs():
    assert "\nstderr" not in run(Observation(exit=1, stderr=TRACEBACK), 'exit = 0\nstderr = "..."').judged.message
    assert run(Observation(exit=1, stdout="ok\n"), 'stdout = "ok"').judged.message == "exit: expected 0, got 1"
    only_exception = run(Observation(exit=1, stderr=TRACEBACK), 'exception = "KeyError: [..]"').judged.message
    assert "\nstderr" not in only_exception


def _loaded_case(tmp_path, stdout="ok"):
    from harness.casefile import load_case
    path = tmp_path / "edited.py"
    path.write_text(f'# /// case\n# claim = "c"\n# source = "s"\n# ids = ["S1"]\n# [expect]\n# stdout = "{stdout}"\n# ///\n')
    return path, load_case(str(path))


def test_a_case_file_edited_during_the_run_is_not_judged(tmp_path):
    path, case = _loaded_case(tmp_path)
    cell = Cell(case.name, case.path, INTERP, "spawn")
    assert judge(case, cell, OK).status is Status.PASS
    path.write_text(path.read_text().replace('"ok"', '"changed"'))  # edited after its expectation was read
    result = judge(case, cell, OK)
    assert result.status is Status.ERROR
    assert str(path) in result.judged.message and "changed during the run" in result.judged.message and "--resume" in result.judged.message
    assert result.observed.stdout == "ok\n"  # what was observed is kept


def test_a_case_file_removed_during_the_run_is_not_judged(tmp_path):
    path, case = _loaded_case(tmp_path)
    path.unlink()
    result = judge(case, Cell(case.name, case.path, INTERP, "spawn"), OK)
    assert result.status is Status.ERROR and "can no longer be read" in result.judged.message and str(path) in result.judged.message


def test_each_accepted_outcome_can_settle_the_claim_its_own_way():
    """ctrl_c_pool_map's shape: either outcome is accepted; the claim holds only in the one where workers are left."""
    expect = ('stdout = "left: (nothing|worker) (re)"\nholds = false\n\n'
              '[[expect.outcome]]\nstdout_has = "left: worker"\nholds = true\n')
    left = run(Observation(exit=0, stdout="left: worker\n"), expect)
    clean = run(Observation(exit=0, stdout="left: nothing\n"), expect)
    assert (left.status, left.judged.holds, left.verdict.label) == (Status.PASS, True, "holds")
    assert (clean.status, clean.judged.holds, clean.verdict.label) == (Status.PASS, False, "refuted")
    bug = run(Observation(exit=0, stdout="left: worker\n"), expect.replace("holds = true", 'known_bug = "gh-9: leaks"'))
    assert (bug.judged.holds, bug.judged.known_bug) == (None, "gh-9: leaks")
    # a [[expect.when]] that sets the verdict replaces the outcomes too (one key group)
    when = expect + '\n[[expect.when]]\nstart_method = ["fork"]\nholds = false\n'
    assert run(Observation(exit=0, stdout="left: worker\n"), when, method="fork").judged.holds is False
    assert run(Observation(exit=0, stdout="left: worker\n"), when, method="spawn").judged.holds is True


def test_outcome_tables_are_checked_with_their_lines():
    from harness.casefile import CaseError

    # what a whole table lacks is said at its header (line 9), a bad key or value at its own line
    for body, fragment, line in [("stdout_has = 'x'\n", "gives no verdict", 9), ("holds = true\n", "says no outcome", 9),
                                 ("stdout_has = 'x'\nholds = 1\n", "holds must be true or false", 11),
                                 ("holds = true\nstdout_hs = 'x'\n", "did you mean 'stdout_has'?", 11),
                                 ("stdout_has = '(unclosed (re)'\nholds = true\n", "bad stdout_has pattern", 10)]:
        with pytest.raises(CaseError) as info:
            case_with('stdout = "ok"\n\n[[expect.outcome]]\n' + body)
        assert fragment in str(info.value) and str(info.value).startswith(f"/cases/c.py:{line}:"), str(info.value)


def test_a_timeout_names_the_first_exception_its_processes_raised():
    """A forgotten `if __name__ == '__main__':` under spawn is a respawn storm: every worker raises the explanation,
    the cell hangs; the timeout's message says what Python said, and how often."""
    one = ("Traceback (most recent call last):\n  File \"<case>/c.py\", line 2, in <module>\n"
           "RuntimeError: \n        An attempt has been made to start a new process before the\n"
           "        current process has finished its bootstrapping phase.\n")
    result = run(Observation(exit=None, stderr=one * 3, timed_out=True))
    assert result.status is Status.TIMEOUT
    assert result.judged.message.endswith("before that, its processes raised RuntimeError: An attempt has been made to "
                                          "start a new process before the current process has finished its "
                                          "bootstrapping phase. (3 times)")
    assert run(Observation(exit=None, timed_out=True)).judged.message.endswith("its process tree was ended")
