"""Tests for harness.results: atomic writes, the journal, reading back with errors that name the file, merging."""

from __future__ import annotations

import json
import os
import sys

import pytest

from harness import results as results_io
from conftest import flat_result
from harness.model import Leftover, Result, Run, Status
from harness.judge import combine
from harness.results import Journal, ResultsError, merge, read_journal, read_run, write_json_atomic, write_run


def result(case: str = "a", method: str = "spawn", status: Status = Status.PASS, stdout: str = "ok\n", **kw) -> Result:
    values = dict(
        case=case, case_path=f"cases/{case}.py", ids=("S1",), claim="c", python="3.12.1", implementation="cpython",
        free_threaded=False, platform="linux", machine="x86_64", start_method=method, default_start_method="fork",
        status=status, holds=True, exit="0", exception="", stdout=stdout, stderr="", stdout_raw=stdout, stderr_raw="",
        duration_s=0.5,
    )
    values.update(kw)
    return flat_result(**values)


def run_of(*results: Result, **kw) -> Run:
    return Run(results=tuple(results), started="2026-01-01T00:00:00Z", finished="2026-01-01T00:01:00Z", **kw)


def test_round_trip_keeps_everything(tmp_path):
    original = run_of(
        result(leftovers=(Leftover(7, "python -c x"),), stacks="Thread", invalid_utf8=True, stdout_dropped=9),
        result("b", status=Status.FLAKY, observations=({"count": 2, "status": "pass"},)),
        complete=False, host={"platform": "linux"}, interpreters=({"version": "3.12.1"},), harness_version="1.0",
    )
    path = tmp_path / "out" / "results.json"
    write_run(original, path)
    assert read_run(path) == original


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "results.json"
    write_json_atomic(path, {"first": True})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"bad": object()})
    assert json.loads(path.read_text()) == {"first": True}
    assert os.listdir(tmp_path) == ["results.json"]  # no temporary file left behind


def test_atomic_write_goes_through_a_rename(tmp_path, monkeypatch):
    seen = []
    real = os.replace
    monkeypatch.setattr(results_io.os, "replace", lambda a, b: (seen.append((a, b)), real(a, b)))
    write_json_atomic(tmp_path / "r.json", [1])
    ((tmp, final),) = seen
    assert os.path.dirname(tmp) == str(tmp_path) and final == tmp_path / "r.json"


def test_journal_appends_and_ignores_a_torn_last_line(tmp_path):
    path = tmp_path / results_io.JOURNAL_NAME
    journal = Journal(path, "run1", "t0")
    journal.append(result("a"))
    journal.append(result("b"))
    journal.close()
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(result("c").to_json())[:50])  # killed mid-write
    journaled = read_journal(path)
    assert (journaled.run_id, journaled.started, [r.case.name for r in journaled.results]) == ("run1", "t0", ["a", "b"])


def test_a_new_journal_carries_over_the_results_it_is_given_then_appends(tmp_path):
    path = tmp_path / "j.jsonl"
    Journal(path, "run1", "t0").close()
    journal = Journal(path, "run1", "t0", seed=[result("a")])
    journal.append(result("b"))
    journal.close()
    assert [r.case.name for r in read_journal(path).results] == ["a", "b"]


def test_a_journal_line_that_does_not_fit_the_schema_is_an_error_naming_it(tmp_path):
    path = tmp_path / "j.jsonl"
    Journal(path, "run1", "t0", seed=[result("a")]).close()
    bad = dict(result("b").to_json(), status="bogus")
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(bad) + "\n" + json.dumps(result("c").to_json()) + "\n")
    with pytest.raises(ResultsError, match=r"j\.jsonl:3: does not match the results schema: at status: 'bogus'"):
        read_journal(path)
    (tmp_path / "old.jsonl").write_text(json.dumps(result("a").to_json()) + "\n")  # no header: not ours
    with pytest.raises(ResultsError, match="old.jsonl:1: not a journal of this mpmatrix"):
        read_journal(tmp_path / "old.jsonl")


def test_a_full_disk_while_journaling_raises_once_then_writes_nothing(tmp_path, monkeypatch):
    import errno

    journal = Journal(tmp_path / "j.jsonl", "run1", "t0")

    class Full:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    journal._file = Full()
    with pytest.raises(results_io.ResultsNotWritten, match="j.jsonl: No space left on device"):
        journal.append(result("a"))
    journal.append(result("b"))  # nothing more is tried: at worst one torn line


def test_file_names_of_any_bytes_are_written_and_read_back(tmp_path):
    # An undecodable file name as Python gives it: a lone surrogate (os.fsdecode(b"b\xff") on POSIX, an unpaired
    # UTF-16 code unit on Windows)
    name = "/cases/b\udcffad.py"
    path = tmp_path / results_io.RESULTS_NAME
    write_run(run_of(result("bad", case_path=name)), path)
    assert path.read_bytes().decode("utf-8")  # valid UTF-8 on disk
    assert read_run(path).results[0].case.path == name
    journal = Journal(tmp_path / "j.jsonl", "run1", "t0")
    journal.append(result("bad", case_path=name))
    journal.close()
    assert read_journal(tmp_path / "j.jsonl").results[0].case.path == name


@pytest.mark.parametrize("content, expected", [
    ('{"schema_version": 1, "cells": [', "not valid JSON"),
    ("", "not valid JSON"),
    ("<html>not json</html>", "not valid JSON"),
    ('{"cells": []}', "no schema_version"),
    ("[1, 2]", "no schema_version"),
    ('{"schema_version": 3, "cells": []}', "schema_version 3; this mpmatrix reads versions 1 and 2"),
    ('{"schema_version": 1, "harness_version": "", "started": "", "complete": true, "host": {}, "cells": [{"case": "a"}]}',
     "does not match the results schema"),
])
def test_read_run_errors_name_the_file(tmp_path, content, expected):
    path = tmp_path / "results.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ResultsError) as info:
        read_run(path)
    assert str(info.value).startswith(str(path)) and expected in str(info.value)


def test_read_run_truncated_real_file(tmp_path):
    path = tmp_path / "results.json"
    write_run(run_of(result()), path)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ResultsError, match=r"results\.json:2: not valid JSON"):  # the cell's line: one cell a line
        read_run(path)


def test_read_run_missing_and_binary(tmp_path):
    with pytest.raises(ResultsError, match="cannot read"):
        read_run(tmp_path / "nope.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ResultsError, match="bin.json: not UTF-8"):
        read_run(tmp_path / "bin.json")


def test_merge_same_observation_merges_different_ones_turn_flaky_keeping_both():
    one = run_of(result("a"), result("b", stdout="x\n"))
    two = run_of(result("a"), result("b", status=Status.FAIL, stdout="y\n"), complete=False)
    merged = merge([("one.json", one), ("two.json", two)])
    by_case = {r.case.name: r for r in merged.results}
    assert by_case["a"].status is Status.PASS and by_case["a"].judged.observations == ()
    flaky = by_case["b"]
    assert flaky.status is Status.FLAKY and flaky.status.is_failure
    assert [(o["status"], o["stdout"], o["count"]) for o in flaky.judged.observations] == [("pass", "x\n", 1), ("fail", "y\n", 1)]
    assert flaky.judged.message == "2 different observations: pass ×1, fail ×1"
    assert merged.sources == ("one.json", "two.json") and merged.complete is False


def test_a_run_that_skipped_a_cell_takes_nothing_from_the_runs_that_observed_it():
    """A cell skipped in one run (its package or interpreter missing there) and passed in another is the pass, not
    flaky; skipped or unsupported everywhere, it stays so; observed behaviours that differ still make it flaky."""
    skipped = result(status=Status.SKIP, stdout="", message="the case skipped itself (exit 77): needs multiprocess")
    assert combine([skipped, result(), result()]).status is Status.PASS
    assert combine([result(status=Status.UNSUPPORTED, stdout=""), result()]).status is Status.PASS
    assert combine([skipped, skipped]).status is Status.SKIP
    assert combine([skipped, result(), result(status=Status.FAIL, stdout="y\n")]).status is Status.FLAKY


def test_merge_keeps_different_cells_apart():
    merged = merge([("1", run_of(result(method="fork"))), ("2", run_of(result(method="spawn"), result(python="3.13.0")))])
    assert len(merged.results) == 3


def test_combine_counts_repeats():
    flaky = combine([result(), result(), result(status=Status.TIMEOUT, stdout="")])
    assert flaky.status is Status.FLAKY and [o["count"] for o in flaky.judged.observations] == [2, 1]
    assert combine([result(duration_s=1.0), result(duration_s=2.0)]).status is Status.PASS  # timing is not behaviour


def test_results_files(tmp_path):
    (tmp_path / "b.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / ".hidden.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    assert [p.name for p in results_io.results_files([str(tmp_path)])] == ["a.json", "b.json"]


def test_output_the_expectation_does_not_check_does_not_make_a_cell_flaky():
    # e.g. a resource-tracker warning with random names on stderr, in a case that checks only stdout
    checked = ("exit", "stdout")
    merged = combine([result(stderr="warning: /mp-abc\n", checked=checked), result(stderr="warning: /mp-xyz\n", checked=checked)])
    assert merged.status is Status.PASS


def test_output_the_expectation_checks_still_makes_a_cell_flaky():
    checked = ("exit", "stdout", "stderr")
    merged = combine([result(stderr="one\n", checked=checked), result(stderr="two\n", checked=checked)])
    assert merged.status is Status.FLAKY


def test_without_an_expectation_every_stream_counts():
    merged = combine([result(status=Status.RECORDED, stderr="one\n"), result(status=Status.RECORDED, stderr="two\n")])
    assert merged.status is Status.FLAKY


def test_a_declared_nondeterministic_case_keeps_its_status_and_the_evidence():
    why = "the shutdown hangs in about 1 run in 40"
    merged = combine([result(stdout="hung\n", nondeterministic=why), result(stdout="ended\n", nondeterministic=why),
                      result(stdout="ended\n", nondeterministic=why)])
    assert merged.status is Status.PASS
    assert merged.judged.stdout == "ended\n"  # the most frequent outcome represents the cell
    assert sorted((o["stdout"], o["count"]) for o in merged.judged.observations) == [("ended\n", 2), ("hung\n", 1)]
    assert why in merged.judged.message


def test_a_declared_nondeterministic_case_that_fails_is_still_flaky():
    why = "a race"
    merged = combine([result(nondeterministic=why), result(status=Status.FAIL, stdout="other\n", nondeterministic=why)])
    assert merged.status is Status.FLAKY


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_results_files_are_readable_by_others(tmp_path):
    write_run(run_of(result()), tmp_path / "results.json")
    assert (tmp_path / "results.json").stat().st_mode & 0o777 == 0o644


def test_an_exception_line_the_expectation_does_not_check_does_not_make_a_cell_flaky():
    # e.g. the last of thousands of worker tracebacks in a respawn storm, in a case that checks stdout
    checked = ("exit", "stdout")
    merged = combine([result(exception="RuntimeError: a", checked=checked), result(exception="OSError: b", checked=checked)])
    assert merged.status is Status.PASS


def test_a_results_file_of_schema_1_still_loads_and_writes_back_as_schema_2(tmp_path):
    """tests/data/results/schema-1.json was written by mpmatrix before the cell identity had a flavour and a variant
    (CPython 3.12 and PyPy 3.9, four fixture cases): every cell loads, as a native cell without variant, and the same
    cells come back from the version 2 it is written as."""
    from conftest import DATA
    from harness.model import SCHEMA_VERSION

    old = read_run(DATA / "results" / "schema-1.json")
    assert len(old.results) == 24 and {r.cell.platform_tag for r in old.results} == {"linux"}
    assert {old.layout.tag(r.cell) for r in old.results} == {"3.12", "pypy3.9"}
    assert {r.cell.variant for r in old.results} == {()} and {r.status.label for r in old.results} == {
        "pass", "fail", "recorded", "unsupported", "skip"}
    write_run(old, tmp_path / "again.json")
    again = read_run(tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text())["schema_version"] == SCHEMA_VERSION == 2
    assert again.results == old.results


# -- signals while results are written ------------------------------------------------------------------------------


@pytest.fixture
def ctrl_c_handled():
    """Ctrl+C handled as Python handles it by default: a process started with SIGINT ignored (a shell's background
    job: `cmd &`, nohup) keeps it ignored, and so does HeldSignals (see the test after these)."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_ignored_ctrl_c_stays_ignored_while_results_are_written(tmp_path):
    import signal

    from harness.results import HeldSignals

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        held = HeldSignals()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        signal.raise_signal(signal.SIGINT)
        assert held.release() == [] and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        results_io.write_text_atomic(tmp_path / "results.json", "{}")
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("ctrl_c_handled")
def test_a_signal_while_a_results_file_is_written_is_acted_on_once_it_is_in_place(tmp_path, monkeypatch):
    import os
    import signal

    from harness import results as results_io

    real_fsync = os.fsync

    def fsync_then_ctrl_c(fd):
        signal.raise_signal(signal.SIGINT)  # Ctrl+C, mid-write (os.kill of itself would end a Windows process)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_then_ctrl_c)
    target = tmp_path / "results.json"
    with pytest.raises(KeyboardInterrupt):
        results_io.write_text_atomic(target, '{"whole": true}')
    assert target.read_text() == '{"whole": true}' and [p.name for p in tmp_path.iterdir()] == ["results.json"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


@pytest.mark.usefixtures("ctrl_c_handled")
def test_held_signals_say_what_arrived_and_deliver_it_only_when_asked():
    import os
    import signal

    from harness.results import HeldSignals

    held = HeldSignals()
    signal.raise_signal(signal.SIGINT)  # not os.kill: on Windows that is TerminateProcess
    assert held.release(deliver=False) == [signal.SIGINT]  # no KeyboardInterrupt: the caller acts on it
    held = HeldSignals()
    signal.raise_signal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        held.release()


@pytest.mark.usefixtures("ctrl_c_handled")
def test_a_journal_line_is_written_whole_through_a_signal(tmp_path, monkeypatch):
    import os
    import signal

    from harness import results as results_io

    journal = results_io.Journal(tmp_path / "results.partial.jsonl", "run1", "2024-01-01T00:00:00")
    real_write = journal._file.write

    def write_then_ctrl_c(text):
        signal.raise_signal(signal.SIGINT)
        return real_write(text)

    monkeypatch.setattr(journal._file, "write", write_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        journal.append(result("a"))
    journal.close()
    assert [r.case.name for r in results_io.read_journal(journal.path).results] == ["a"]


def test_stale_temporary_files_of_an_earlier_run_are_removed(tmp_path):
    from harness import results as results_io

    for name in (".results.json.abc.tmp", ".results.partial.jsonl.def.tmp", "results.json", ".other.tmp"):
        (tmp_path / name).write_text("x")
    removed = results_io.remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in removed) == [".results.json.abc.tmp", ".results.partial.jsonl.def.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp", "results.json"]


# -- what a run keeps in memory: results brief, the journal whole ------------------------------------------------

LONG = "".join(f"{n:06d} " + "x" * 1016 + "\n" for n in range(4096))  # 4 MiB, as writes_4mib.py prints


def test_a_brief_result_keeps_a_head_of_each_long_text_and_what_the_whole_was():
    from harness.model import BRIEF_CHARS, text_digest

    whole = result(stdout=LONG, stacks="s" * 20_000, diff="d\n" * 10)
    brief = whole.brief()
    assert brief.judged.stdout == LONG[:BRIEF_CHARS - BRIEF_CHARS % 1024] and LONG.startswith(brief.observed.stdout)
    assert {name for name, _ in brief.cuts} == {"stdout", "stdout_raw", "stacks"}  # the short diff is whole
    cut = brief.cut("stdout")
    assert (cut.digest, cut.chars, cut.lines) == (text_digest(LONG), len(LONG), 4096)
    assert brief.signature() != whole.signature() and brief.compared("stdout") == ("cut", text_digest(LONG))
    assert result().brief() == result()  # nothing long: the very same result
    size = sum(len(getattr(getattr(brief, part), name)) for part, name in
               (("judged", "stdout"), ("observed", "stdout"), ("observed", "stacks")))
    assert size <= 3 * BRIEF_CHARS
    with pytest.raises(ValueError, match="a brief result .* is never written"):
        brief.to_json()


def test_brief_results_compare_exactly_as_whole_ones_do():
    """Cut texts compare by their digest, whole ones by themselves: the same verdict on sameness either way."""
    from harness.judge import combine

    same = [result(stdout=LONG), result(stdout=LONG)]
    late = [result(stdout=LONG), result(stdout=LONG[:-2] + "y\n")]  # differs after the head a run keeps
    short = [result(stdout="a\n"), result(stdout="a\n"), result(stdout="b\n")]
    for group in (same, late, short):
        assert combine(group).status is combine([r.brief() for r in group]).status
    assert combine([r.brief() for r in late]).status is Status.FLAKY
    assert combine([r.brief() for r in same]).status is Status.PASS


def test_the_journal_keeps_results_whole_and_the_run_brief(tmp_path):
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "run1", "t0", seed=[result("a", stdout=LONG)])
    journal.append(result("b", stdout=LONG + "more\n"))
    journal.append(result("b", stdout=LONG))  # the same cell again (--repeat): it differs, so it is flaky
    journal.append(result("c"))
    journal.close()
    assert [r.case.name for r in journal.results()] == ["a", "b", "b", "c"] and journal.seeded == 1
    assert all(len(r.judged.stdout) < 10_000 for r in journal.results())
    whole = list(journal.combined())
    assert [r.case.name for r in whole] == ["a", "b", "c"]
    assert whole[0] == result("a", stdout=LONG) and whole[2] == result("c")
    assert whole[1].status is Status.FLAKY and {o["stdout"] for o in whole[1].judged.observations} == {LONG + "more\n", LONG}
    assert [r.status for r in whole] == [r.status for r in results_io.combine_by_cell(journal.results())]
    write_run(run_of(*journal.results()), tmp_path / "r.json", journal.combined)
    assert read_run(tmp_path / "r.json").results == tuple(whole)


def test_results_that_could_not_be_journaled_are_kept_whole(tmp_path):
    import errno

    journal = Journal(tmp_path / "j.jsonl", "run1", "t0")
    journal.append(result("a", stdout=LONG))

    class Full:
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    journal._file = Full()
    with pytest.raises(results_io.ResultsNotWritten):
        journal.append(result("b", stdout=LONG))
    journal.append(result("c", stdout=LONG))  # after the failure: kept in memory, whole
    assert [r.judged.stdout == LONG for r in journal.combined()] == [True, True, True]


def test_results_json_is_one_cell_a_line_and_is_read_a_line_at_a_time(tmp_path):
    path = tmp_path / "results.json"
    run = run_of(result("a"), result("b", stdout="x\ny\n"), host={"run_id": "r1"})
    write_run(run, path)
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[0].endswith(',"cells":[') and lines[-1] == "]}"
    header, cells = results_io.iter_results(path)
    assert header.host == {"run_id": "r1"} and header.results == () and tuple(cells) == run.results
    (tmp_path / "other.json").write_text(json.dumps(run.to_json(), indent=2))  # another layout: read whole
    assert tuple(results_io.iter_results(tmp_path / "other.json")[1]) == run.results
    path.write_text("\n".join(lines[:2] + ['{"case": 1},'] + lines[2:]))
    with pytest.raises(ResultsError, match=r"results\.json:3: does not match the results schema"):
        list(results_io.iter_results(path)[1])


def test_a_journal_line_holding_a_line_separator_of_unicode_reads_back(tmp_path):
    """splitlines() cut a journal line at U+2028 or \\x85 in a case's output (JSON keeps them raw): lines are cut at
    \\n alone now."""
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "run1", "t0")
    journal.append(result("a", stdout="one\u2028two\x85three\x1c\n"))
    journal.close()
    assert read_journal(path).results[0].judged.stdout == "one\u2028two\x85three\x1c\n"


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "\n\n", "a\r\nb\rc\x0bd\x1ce\u2028f\x85", "x\n" * 100])
def test_lines_are_counted_as_reports_count_them(text):
    from harness.model import line_count

    assert line_count(text) == len(text.splitlines())


def test_a_journal_is_begun_from_its_seed_one_result_at_a_time_and_names_its_request(tmp_path):
    """The new journal of a resumed run takes the results it carries over as they are read (a generator: never all in
    memory at once) and keeps the request header (what --resume runs again) beside them."""
    path = tmp_path / "j.jsonl"
    taken = []

    def seed():
        for name in "ab":
            taken.append(name)
            yield result(name, stdout=LONG)

    request = {"paths": ["cases"], "pythons": ["3.12"], "start_methods": ["spawn"], "repeat": 2, "all_releases": None}
    journal = Journal(path, "run1", "t0", seed(), request)
    journal.close()
    journaled = read_journal(path)
    assert taken == ["a", "b"] and journal.seeded == 2 and journaled.request == request
    assert [r.judged.stdout == LONG for r in journaled.results] == [True, True]
    assert results_io.JournalFile(path).request == request


def test_a_seed_that_breaks_while_it_is_read_leaves_the_old_journal_and_no_temporary_file(tmp_path):
    """A resumed run whose old journal turns out bad halfway (a line that is not a result) fails before anything is
    replaced: the old journal is as it was, and the one way this module writes a file left nothing behind."""
    path = tmp_path / "j.jsonl"
    Journal(path, "run1", "t0", [result("a")]).close()
    before = path.read_bytes()

    def seed():
        yield result("a")
        raise ResultsError(f"{path}:3: does not match the results schema")

    with pytest.raises(ResultsError, match="j.jsonl:3"):
        Journal(path, "run1", "t0", seed())
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["j.jsonl"]
