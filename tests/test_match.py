"""Tests for harness.match: pattern semantics, compile-time errors, summaries and golden diffs."""

from __future__ import annotations

import itertools
import pickle
import re
import time
from typing import List, Optional, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.match import (
    JUDGE_BUDGET_S, Budget, JudgingStopped, JudgingTimeout, Mismatch, Pattern, PatternError, compile_line, compile_pattern,
)
from harness.normalize import normalize_line


def matches(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).match(text) is None


def mismatch(pattern: str, text: str) -> Mismatch:
    result = compile_pattern(pattern).match(text)
    assert result is not None, f"{pattern!r} unexpectedly matched {text!r}"
    return result


def pattern_error(text: str, **kwargs: object) -> PatternError:
    with pytest.raises(PatternError) as info:
        compile_pattern(text, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- semantics -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("a\nb", "a\nb", True),
        ("a\nb", "a\nb\n", True),  # a trailing newline makes no difference
        ("a\nb\n", "a\nb", True),
        ("a\nb", "a\r\nb\r\n", True),
        ("a\nb", "a\nb\nc", False),
        ("a\nb", "b\na", False),
        ("", "", True),  # "" means "empty"
        ("", "\n", False),  # one empty line is not no output
        ("", "x", False),
        ("x", "", False),
        ("a b", "a  b", False),
        ("trailing ", "trailing", False),
    ],
)
def test_literal_lines(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("I am [..], result is 42", "I am ForkPoolWorker-N, result is 42", True),
        ("I am [..], result is 42", "I am , result is 42", True),
        ("I am [..], result is [..]", "I am Process-1, result is 41", True),
        ("[..]", "\n", True),  # one empty line
        ("[..]", "", False),  # no line at all
        ("[..]", "anything (re) at all", True),
        ("a[..]b[..]c", "a12b34c", True),
        ("a[..]b[..]c", "a12b34", False),
        ("x.y [..]", "xzy 1", False),  # the literal parts are literal, not regex
        ("a[..]", "a\nb", False),  # [..] stays within one line
        ("[..]\n[..]", "one\ntwo", True),
    ],
)
def test_wildcard_within_a_line(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("...", "", True),
        ("...", "a\nb\nc", True),
        ("a\n...\nb", "a\nb", True),  # none
        ("a\n...\nb", "a\nx\ny\nb", True),
        ("...\nb", "b\nb\nb", True),
        ("a\n...", "a", True),
        ("a\n...", "b", False),
        ("...\na\nb\n...", "a\na\nb", True),  # the first `a` must go to `...`: backtracking
        ("...\nx\n...\nx\ny", "x\nx\nx\ny", True),
        ("...\nx\n...\nx\ny", "x\ny", False),
        ("...\n...\nz", "a\nz", True),
    ],
)
def test_any_lines(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        (r"result is \d+ (re)", "result is 42", True),
        (r"result is \d+ (re)", "result is 42!", False),  # must match the whole line
        (r"\d+ (re)", "x42", False),
        (r"a|b (re)", "a", True),
        (" (re)", "\n", True),
        ("x (re)", "x (re)", False),  # the suffix is syntax, not text
        ("x(re)", "x(re)", True),  # without the space it is a literal line
        (r"pid [..] (re)", "pid .", True),  # inside a regex line, [..] is regex syntax
        (r"[^\n]* (re)", "anything", True),
        (r"a\n?b (re)", "ab", True),
    ],
)
def test_regex_lines(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("[unordered]\na\nb\nc\n[/unordered]", "c\na\nb", True),
        ("[unordered]\na\nb\n[/unordered]", "a\na", False),  # each pattern line takes exactly one line
        ("[unordered]\na\na\n[/unordered]", "a\na", True),
        ("[unordered]\na\nb\n[/unordered]", "a\nb\nb", False),
        ("[unordered]\na\nb\n[/unordered]", "a", False),
        # A greedy assignment gives w1 to `w[..]` and then finds nothing for `w1`.
        ("[unordered]\nw[..]\nw1\n[/unordered]", "w1\nw2", True),
        ("[unordered]\nw[..]\nw1\n[/unordered]", "w2\nw3", False),
        (r"[unordered]" "\n" r"w\d (re)" "\nw1\n[/unordered]", "w1\nw9", True),
        ("start\n[unordered]\na\nb\n[/unordered]\nend", "start\nb\na\nend", True),
        ("[unordered]\na\nb\n[/unordered]\n[unordered]\nc\nd\n[/unordered]", "b\na\nd\nc", True),
        ("[unordered]\na\nb\n[/unordered]\n[unordered]\nc\nd\n[/unordered]", "a\nc\nb\nd", False),  # groups do not mix
        ("...\n[unordered]\na\nb\n[/unordered]\n...", "x\nb\na\ny", True),
        ("...\n[unordered]\na\nb\n[/unordered]\n...", "a\nx\nb", False),  # a group's lines are consecutive
        # Backtracking across `...` into a group: the first `a, b` pair must be left to `...`.
        ("...\n[unordered]\na\nb\n[/unordered]\nz", "a\nb\nb\na\nz", True),
    ],
)
def test_unordered_groups(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


def test_pattern_keeps_its_source() -> None:
    source = "a\n...\n[unordered]\nx\n[/unordered]\n"
    assert compile_pattern(source).source == source
    assert "source=" in repr(compile_pattern(source))


def test_patterns_pickle() -> None:
    pattern = compile_pattern("a [..]\nb+ (re)\n[unordered]\nx\n[/unordered]")
    copy = pickle.loads(pickle.dumps(pattern))
    assert copy == pattern
    assert copy.match("a 1\nbb\nx") is None


def test_compile_line_matches_one_line() -> None:
    exception = compile_line("RuntimeError: Queue objects should only be shared between processes through [..]")
    assert exception.match("RuntimeError: Queue objects should only be shared between processes through inheritance") is None
    assert exception.match("ValueError: no") is not None
    assert exception.match("RuntimeError: Queue objects ...\nmore") is not None
    assert compile_line("").match("") is None  # no exception expected and none seen
    assert compile_line("x").match("") is not None
    assert compile_line(r"\w+Error: .* (re)").match("KeyError: 1") is None
    assert compile_line("x\n").match("x") is None


def test_compile_line_summary() -> None:
    result = compile_line("RuntimeError: [..]").match("ValueError: bad 3")
    assert result is not None
    assert result.summary == "line 1: expected 'RuntimeError: [..]', got 'ValueError: bad 3'"


@pytest.mark.parametrize("line", ["...", "[unordered]", "[/unordered]"])
def test_compile_line_rejects_multi_line_syntax(line: str) -> None:
    with pytest.raises(PatternError) as info:
        compile_line(line)
    assert (info.value.line, info.value.value) == (1, line)
    assert "single-line pattern" in str(info.value)


def test_compile_line_rejects_several_lines() -> None:
    with pytest.raises(PatternError) as info:
        compile_line("RuntimeError: x\nsecond")
    assert (info.value.line, info.value.value) == (2, "second")


# -- errors at compile time ----------------------------------------------------------------------------------------


def test_invalid_regex_names_line_value_and_reason() -> None:
    error = pattern_error("ok\nresult is (\\d+ (re)")
    assert (error.line, error.value) == (2, "result is (\\d+ (re)")
    assert str(error).startswith("invalid regex 'result is (\\\\d+': missing ), unterminated subpattern")


@pytest.mark.parametrize(
    "text, line, value, message",
    [
        ("a\n[unordered]\nb", 2, "[unordered]", "[unordered] is never closed by [/unordered]"),
        ("a\n[/unordered]", 2, "[/unordered]", "[/unordered] without an open [unordered]"),
        ("[unordered]\nx\n[/unordered]\n[/unordered]", 4, "[/unordered]", "[/unordered] without an open [unordered]"),
        ("[unordered]\n[/unordered]", 2, "[/unordered]", "empty [unordered] group: put the lines to match in any order inside it"),
        (
            "[unordered]\na\n...\n[/unordered]",
            3,
            "...",
            "'...' is not allowed inside an [unordered] group: each line there matches exactly one output line "
            "(put '...' before or after the group)",
        ),
        (
            "[unordered]\na\n[unordered]\n[/unordered]\n[/unordered]",
            3,
            "[unordered]",
            "[unordered] groups cannot be nested (the group opened on line 1 is still open)",
        ),
    ],
)
def test_structural_errors(text: str, line: int, value: str, message: str) -> None:
    error = pattern_error(text)
    assert (error.line, error.value, str(error)) == (line, value, message)


def test_literal_that_normalization_rewrites_can_never_match() -> None:
    error = pattern_error("ok\n<__main__.C object at 0x7ffd12345678>", normalize=normalize_line)
    assert (error.line, error.value) == (2, "<__main__.C object at 0x7ffd12345678>")
    assert str(error) == (
        "can never match: normalized output never contains '0x7ffd12345678>' (normalization makes it '0x<addr>>')"
    )


def test_wildcard_parts_are_checked_one_by_one() -> None:
    error = pattern_error("worker [..] has pid 1234 and [..]", normalize=normalize_line)
    assert str(error) == "can never match: normalized output never contains '1234' (normalization makes it '<pid>')"
    error = pattern_error("[..] 0x7ffd12345678", normalize=normalize_line)
    assert "'0x7ffd12345678' (normalization makes it '0x<addr>')" in str(error)


@pytest.mark.parametrize(
    "line",
    [
        "<__main__.C object at 0x<addr>>",
        "I am ForkPoolWorker-N, result is [..]",
        "pid <pid> [..] 0x<addr>",
        "I am Process-1",
        '  File "<case>/pool.py", line 9, in <module>',
        "  [stdlib frames]",
        "0x12345 is short",
    ],
)
def test_normalized_literals_are_accepted(line: str) -> None:
    assert compile_pattern(line, normalize=normalize_line).match(line) is None
    assert compile_line(line, normalize=normalize_line).match(line) is None


def test_normalization_check_also_covers_groups_and_compile_line() -> None:
    error = pattern_error("[unordered]\nSpawnPoolWorker-3\n[/unordered]", normalize=normalize_line)
    assert (error.line, error.value) == (2, "SpawnPoolWorker-3")
    assert "(normalization makes it 'SpawnPoolWorker-N')" in str(error)
    with pytest.raises(PatternError, match="can never match"):
        compile_line("ValueError: pid 77", normalize=normalize_line)


def test_without_normalize_nothing_is_checked() -> None:
    assert matches("at 0x7ffd12345678", "at 0x7ffd12345678")


@pytest.mark.parametrize("line", [r"a\nb (re)", r"(?:x|y)\r (re)", "done\\n+ (re)", r"(\n)x (re)"])
def test_regex_that_needs_a_line_break_can_never_match(line: str) -> None:
    error = pattern_error(line)
    assert error.line == 1
    assert str(error).startswith("can never match: regex ")
    assert str(error).endswith("needs a line break, but it is matched against one line")


def test_pattern_error_pickles_and_reads_well() -> None:
    error = PatternError("empty group", 3, "[/unordered]")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.line, copy.value) == ("empty group", 3, "[/unordered]")
    assert isinstance(copy, ValueError)


# -- summaries and diffs -------------------------------------------------------------------------------------------


def test_replacement_summary_and_diff() -> None:
    result = mismatch(
        "start\nI am [..]\nI am Process-1, result is 42\ndone",
        "start\nI am Process-1\nI am Process-1, result is 41\ndone",
    )
    assert result.summary == "line 3: expected 'I am Process-1, result is 42', got 'I am Process-1, result is 41'"
    assert result.diff == (
        "--- expected\n"
        "+++ actual\n"
        "@@ -1,4 +1,4 @@\n"
        " start\n"
        " I am [..]\n"  # the line [..] matched is shown as the pattern line: context, not a change
        "-I am Process-1, result is 42\n"
        "+I am Process-1, result is 41\n"
        " done\n"
    )


def test_any_lines_show_as_one_context_line() -> None:
    result = mismatch(
        "Traceback (most recent call last):\n...\nRuntimeError: boom",
        "Traceback (most recent call last):\n  File x\n    y\n  [stdlib frames]\nValueError: boom",
    )
    assert result.summary == "line 5: expected 'RuntimeError: boom', got 'ValueError: boom'"
    assert result.diff == (
        "--- expected\n"
        "+++ actual\n"
        "@@ -1,3 +1,3 @@\n"
        " Traceback (most recent call last):\n"
        " ...\n"
        "-RuntimeError: boom\n"
        "+ValueError: boom\n"
    )


def test_unordered_leftovers_in_pytest_wording() -> None:
    result = mismatch(
        "[unordered]\nworker 1 done\nworker 2 done\nworker 3 done\n[/unordered]\nall done",
        "worker 2 done\nworker 4 done\nworker 1 done\nall done",
    )
    assert result.summary == "remains unmatched: 'worker 3 done' (and 1 more difference)"
    assert result.diff == (
        "--- expected\n"
        "+++ actual\n"
        "@@ -1,6 +1,6 @@\n"
        " [unordered]\n"
        " worker 1 done\n"
        " worker 2 done\n"
        "-worker 3 done\n"
        "+worker 4 done\n"
        " [/unordered]\n"
        " all done\n"
    )


def test_far_apart_differences_make_separate_hunks() -> None:
    pattern = "\n".join(str(n) for n in range(1, 16))
    text = pattern.replace("\n3\n", "\nX\n").replace("\n12\n", "\nY\n")
    result = mismatch(pattern, text)
    assert result.summary == "line 3: expected '3', got 'X' (and 2 more differences)"
    assert result.diff == (
        "--- expected\n+++ actual\n"
        "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n"
        "@@ -9,7 +9,7 @@\n 9\n 10\n 11\n-12\n+Y\n 13\n 14\n 15\n"
    )


@pytest.mark.parametrize(
    "pattern, text, summary, diff",
    [
        ("", "x", "line 1: unexpected 'x'", "@@ -0,0 +1 @@\n+x\n"),
        ("x", "", "line 1: expected 'x', got end of output", "@@ -1 +0,0 @@\n-x\n"),
        ("a\nb\nc", "a\nc", "line 2: missing 'b'", "@@ -1,3 +1,2 @@\n a\n-b\n c\n"),
        ("a\nc", "a\nb\nc", "line 2: unexpected 'b'", "@@ -1,2 +1,3 @@\n a\n+b\n c\n"),
        ("a\n...\nz", "a\nb\nc", "line 3: expected 'z', got 'c'", "@@ -1,3 +1,3 @@\n a\n ...\n-z\n+c\n"),
        ("a\n...\nz", "a", "line 2: expected 'z', got end of output", "@@ -1,3 +1,2 @@\n a\n ...\n-z\n"),
    ],
)
def test_insertions_and_deletions(pattern: str, text: str, summary: str, diff: str) -> None:
    result = mismatch(pattern, text)
    assert result.summary == summary
    assert result.diff == "--- expected\n+++ actual\n" + diff


def test_long_lines_are_shortened_in_the_summary_only() -> None:
    result = mismatch("x" * 500, "y" * 500)
    assert len(result.summary) < 300
    assert "+" + "y" * 500 + "\n" in result.diff


# -- properties ----------------------------------------------------------------------------------------------------


def reference_match(pattern: str, text: str) -> bool:
    """A slow, obviously correct matcher: try every split and every permutation."""
    items: List[object] = []
    group: Optional[List[str]] = None
    for line in pattern.splitlines():
        if line == "[unordered]":
            group = []
        elif line == "[/unordered]":
            items.append(tuple(group or ()))
            group = None
        elif group is not None:
            group.append(line)
        else:
            items.append(line)

    def line_ok(pattern_line: str, actual: str) -> bool:
        return re.fullmatch(".*".join(map(re.escape, pattern_line.split("[..]"))), actual, re.DOTALL) is not None

    def go(i: int, lines: Sequence[str]) -> bool:
        if i == len(items):
            return not lines
        item = items[i]
        if item == "...":
            return any(go(i + 1, lines[k:]) for k in range(len(lines) + 1))
        if isinstance(item, tuple):
            block = lines[: len(item)]
            return len(block) == len(item) and any(
                all(line_ok(p, a) for p, a in zip(order, block)) for order in itertools.permutations(item)
            ) and go(i + 1, lines[len(item) :])
        return bool(lines) and line_ok(str(item), lines[0]) and go(i + 1, lines[1:])

    return go(0, text.splitlines())


SMALL_LINES = st.sampled_from(["a", "b", "ab", "[..]", "a[..]", "[..]b", "..."])
SMALL_GROUPS = st.lists(st.sampled_from(["a", "b", "[..]", "a[..]"]), min_size=1, max_size=3).map(
    lambda lines: ["[unordered]", *lines, "[/unordered]"]
)
SMALL_PATTERNS = st.lists(st.one_of(SMALL_LINES.map(lambda line: [line]), SMALL_GROUPS), max_size=4).map(
    lambda chunks: "\n".join(line for chunk in chunks for line in chunk)
)
SMALL_TEXTS = st.lists(st.sampled_from(["a", "b", "ab", "ba", ""]), max_size=5).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(SMALL_PATTERNS, SMALL_TEXTS)
def test_agrees_with_a_brute_force_matcher(pattern: str, text: str) -> None:
    assert matches(pattern, text) is reference_match(pattern, text)


@settings(max_examples=100, deadline=None)
@given(SMALL_PATTERNS, SMALL_TEXTS)
def test_diff_shows_the_pattern_as_written(pattern: str, text: str) -> None:
    result = compile_pattern(pattern).match(text)
    if result is None:
        return
    pattern_lines = pattern.splitlines()
    actual_lines = text.splitlines()
    diff_lines = result.diff.splitlines()
    assert diff_lines[:2] == ["--- expected", "+++ actual"]
    assert any(line[:1] in "-+" for line in diff_lines[2:] if not line.startswith("@@"))
    for hunk in re.split(r"^(?=@@ )", "\n".join(diff_lines[2:]), flags=re.M):
        if not hunk:
            continue
        header, *body = hunk.splitlines()
        found = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", header)
        assert found is not None
        start, length = int(found.group(1)), int(found.group(2) or 1)
        expected_side = [line[1:] for line in body if line[:1] in " -"]
        # Expected-side line numbers are exact: each hunk shows the pattern's own lines at that range.
        assert expected_side == pattern_lines[max(start - 1, 0) : max(start - 1, 0) + length]
        assert all(line[1:] in actual_lines for line in body if line[:1] == "+")


GRAMMAR_LINES = st.one_of(
    st.sampled_from(["...", "[..]", "[unordered]", "[/unordered]", " (re)", "a (re)", "( (re)", "a\\n (re)", "x"]),
    st.text(max_size=8),
    st.text(max_size=6).map(lambda line: line + " (re)"),
    st.text(max_size=6).map(lambda line: line + "[..]"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(GRAMMAR_LINES, max_size=8), st.text(max_size=40))
def test_only_documented_errors_on_arbitrary_input(lines: List[str], text: str) -> None:
    for source in ("\n".join(lines), text):
        try:
            pattern = compile_pattern(source, normalize=normalize_line)
        except PatternError as error:
            assert 1 <= error.line <= max(1, len(source.splitlines()))
            continue
        result = pattern.match(text)
        assert result is None or isinstance(result, Mismatch)
        if not any(line.endswith(" (re)") or line == "[unordered]" for line in source.splitlines()):
            assert pattern.match(source) is None  # without regexes and groups, a pattern matches its own text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20), st.text(max_size=20))
def test_compile_line_only_documented_errors(line: str, text: str) -> None:
    try:
        pattern = compile_line(line, normalize=normalize_line)
    except PatternError:
        return
    assert isinstance(pattern, Pattern)
    result = pattern.match(text)
    assert result is None or result.summary


# -- scale ---------------------------------------------------------------------------------------------------------


def test_large_outputs_stay_fast() -> None:
    workers = [f"worker {n} done" for n in range(60)]
    pattern = "\n".join(["start", "...", "[unordered]", *("worker [..] done" for _ in workers), "[/unordered]", "end"])
    noise = [f"log {n}" for n in range(1500)]
    text = "\n".join(["start", *noise, *reversed(workers), "end"])
    began = time.process_time()  # CPU time: the matcher's own work, whatever else the machine runs
    assert compile_pattern(pattern).match(text) is None
    result = compile_pattern(pattern).match(text.replace("worker 7 done", "worker 7 failed"))
    assert result is not None
    assert result.summary.startswith("remains unmatched: 'worker [..] done'")
    assert time.process_time() - began < 2.0


def test_canonical_sorts_the_lines_an_unordered_group_matched_and_nothing_else() -> None:
    pattern = compile_pattern("start\n[unordered]\nw [..]\nw [..]\n[/unordered]\nb\na\n")
    assert pattern.canonical("start\nw 2\nw 1\nb\na\n") == "start\nw 1\nw 2\nb\na\n"
    assert pattern.canonical("start\nw 1\nw 2\nb\na\n") == "start\nw 1\nw 2\nb\na\n"
    assert pattern.canonical("start\nw 2\nx\nb\na\n") == "start\nw 2\nx\nb\na\n"  # no match: unchanged


def test_canonical_of_a_pattern_without_groups_is_the_text() -> None:
    assert compile_pattern("b\n...\n").canonical("b\nz\na") == "b\nz\na"


# -- bounded judging (issue 11): whatever the pattern and the output, judging ends soon and costs little memory ----


def timed(call):
    """(result, CPU seconds, peak bytes allocated by Python while it ran). CPU time: the matcher's own work,
    whatever else the machine runs (tracing allocations slows it; the budget counts CPU time too)."""
    import tracemalloc

    tracemalloc.start()
    began = time.process_time()
    try:
        result = call()
    finally:
        seconds = time.process_time() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak


def test_a_backtracking_regex_exceeds_its_budget_naming_the_case_file_line() -> None:
    pattern = compile_pattern("ok\n(a|aa)+$ (re)").located("c/c.py", 7, multiline=True)
    with pytest.raises(JudgingTimeout) as info:
        _, seconds, _ = timed(lambda: pattern.match("ok\n" + "a" * 60 + "b"))
    error = info.value
    assert (error.where, error.line, error.value) == ("c/c.py:9", 2, "(a|aa)+$ (re)")
    assert str(error).startswith("c/c.py:9: regex '(a|aa)+$' took more than 0.5 s of CPU time against one line")


def test_a_nested_quantifier_that_the_engine_can_short_cut_is_simply_a_mismatch() -> None:
    result, seconds, _ = timed(lambda: compile_pattern("(a+)+$ (re)").match("a" * 50 + "b"))
    assert result is not None and seconds < 1


@pytest.mark.parametrize("pattern, text", [
    ("[..]x[..]x[..]x[..]y", "x" * 3000),
    ("[..]x[..]y", "x" * 160_000),
    ("[..]a[..]a[..]a[..]a[..]a[..]b", "a" * 4_000_000),
])
def test_wildcards_are_linear_in_the_line(pattern: str, text: str) -> None:
    result, seconds, _ = timed(lambda: compile_pattern(pattern).match(text))
    assert result is not None and result.summary.startswith("line 1: expected ")
    assert seconds < 0.5, seconds


def test_the_diff_of_two_thousand_lines_with_two_wrong_is_quick_and_small() -> None:
    expected = "\n".join(f"line {n}" for n in range(2000))
    actual = expected.replace("line 0\n", "LINE 0\n").replace("line 1999", "LINE 1999")
    began = time.process_time()  # without tracing allocations, which slows the alignment several times
    result = compile_pattern(expected).match(actual)
    seconds = time.process_time() - began
    assert result is not None and result.summary.startswith("line 1: expected 'line 0', got 'LINE 0'")
    assert "\\ diff of a window only: pattern lines 1-300 of 2000 against output lines 1-" in result.diff
    _, _, peak = timed(lambda: compile_pattern(expected).match(actual))
    assert seconds < 1 and peak < 100 * 2**20, (seconds, peak)


def test_twenty_expected_lines_against_two_million_output_lines() -> None:
    expected = "\n".join(f"line {n}" for n in range(20))
    actual = "ab\n" * 2_100_000
    result, seconds, peak = timed(lambda: compile_pattern(expected).match(actual))
    assert result is not None and result.summary.startswith("line 1: expected 'line 0', got 'ab'")
    assert "against output lines 1-220 of 2,100,000" in result.diff
    assert len(result.diff.splitlines()) < 300
    assert seconds < 3 and peak < 250 * 2**20, (seconds, peak)


def test_a_window_at_the_end_shows_the_last_lines_when_the_end_differs() -> None:
    result = compile_pattern("start\n...\nDONE\nexit").match("start\n" + "ab\n" * 300_000 + "DONE\nexitt\n")
    assert result is not None
    assert result.summary == "line 300003: expected 'exit', got 'exitt' (diff of a window of the output)"
    assert "-exit\n+exitt\n" in result.diff


def test_lines_missing_after_a_long_output_show_as_missing_at_its_end() -> None:
    result = compile_pattern("start\n...\nnever printed\n...").match("start\n" + "ab\n" * 300_000)
    assert result is not None and "-never printed\n" in result.diff
    assert result.summary == ("line 2: missing 'never printed' (nowhere in the 300,000 output lines from there on) "
                              "(diff of a window of the output)")


def test_a_pattern_built_to_defeat_the_search_exceeds_the_budget() -> None:
    pattern = compile_pattern("...\n" + "[..]x\n" * 300 + "y\n...").located("c/c.py", 6, multiline=True)
    with pytest.raises(JudgingTimeout) as info:
        _, seconds, _ = timed(lambda: pattern.match("ax\n" * 1_000_000))
    assert str(info.value) == (
        "c/c.py:8: matching took more than 1 s of CPU time against 1,000,000 output lines (placing the lines from "
        "'[..]x' on)")


def test_the_worst_legitimate_output_is_far_below_the_budget() -> None:
    """4 MiB of short lines (the output cap), a pattern with wildcards, `...` and a regex: under a quarter of the
    CPU budget, so a busy machine never turns a legitimate cell into an `error`."""
    lines = [f"worker {n} result {n * 7}" for n in range(180_000)]
    text = "\n".join(["start", *lines, "done"])
    pattern = compile_pattern("start\n...\nworker [..] result [..]\n...\nworker 179999 result \\d+ (re)\ndone")
    began = time.process_time()
    assert pattern.match(text) is None
    assert time.process_time() - began < JUDGE_BUDGET_S / 4


def test_judging_stops_at_once_when_the_run_stops() -> None:
    import threading

    stop = threading.Event()
    stop.set()
    with pytest.raises(JudgingStopped):
        compile_pattern("...\n" + "[..]x\n" * 300 + "y\n...").match("ax\n" * 100_000, Budget(stop=stop))
