"""Match normalized output against a case's expected-output pattern, and explain a mismatch as a unified diff.

Judging is bounded whatever the output: a line with `[..]` is matched by searching its literal parts in order
(linear in the line), `...` by placing the fixed-length runs between them leftmost (each output line looked at a
bounded number of times for literal lines), ` (re)` lines by the `regex` package under a deadline, and the
mismatch diff by an alignment over at most MAX_DIFF_CELLS (pattern line × output line) pairs: beyond that, a
window around the first difference is diffed and the diff says so. A Budget holds one cell's deadline and the
run's stop event; running out raises JudgingTimeout naming the pattern line, an interruption JudgingStopped.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple, Union

import regex as bounded_re

ANY_LINES = "..."
WILDCARD = "[..]"
REGEX_SUFFIX = " (re)"
GROUP_OPEN = "[unordered]"
GROUP_CLOSE = "[/unordered]"
CONTEXT_LINES = 3
SUMMARY_WIDTH = 120
# Deciding whether one pattern matches a cell's output may take this much CPU time of the judging thread. CPU
# time, not wall time, so that a cell's status does not depend on how busy the machine is. Legitimate output
# under the 4 MiB cap takes a small fraction of it (tests/test_match.py::test_the_worst_legitimate_output_is_far_
# below_the_budget); only a regex that backtracks exponentially, or a pattern built to defeat the search, gets
# near it.
JUDGE_BUDGET_S = 1.0
# One regex against one line gets at most this (the `regex` package counts the process's CPU time): no legitimate
# regex needs a tenth of it on a line under the cap, and it bounds how long a judging thread can be deaf to Ctrl+C.
REGEX_CALL_S = 0.5
# The diff of a mismatch gets its own allowance: when it runs out the cell keeps its `fail`, with a summary only.
DIFF_BUDGET_S = 1.0
# The alignment behind a diff costs time and memory in proportion to pattern lines × output lines: above this
# many pairs (about 20 MB and a tenth of a second), only a window around the first difference is aligned.
MAX_DIFF_CELLS = 150_000
WINDOW_ITEMS = 300  # pattern items in such a window at most
WINDOW_EXTRA_LINES = 200  # and output lines beyond as many as its items
_TICK = 256  # loops look at the clock every this many steps

# str.splitlines() splits on all of these, so no output line can ever contain one.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

Normalizer = Callable[[str], str]


class PatternError(ValueError):
    """A pattern that can never work. .line is the 1-based line within the pattern text, .value the offending line."""

    def __init__(self, message: str, line: int, value: str) -> None:
        # All three in args, so the error pickles and crosses process boundaries intact.
        super().__init__(message, line, value)
        self.message = message
        self.line = line
        self.value = value

    def __str__(self) -> str:
        return self.message


class JudgingTimeout(Exception):
    """Matching ran out of its budget. .line is the pattern line being matched (1-based), .value its text,
    .where the file and line of that pattern line in the case file ("" when the pattern has no origin)."""

    def __init__(self, message: str, line: int, value: str, where: str = "") -> None:
        super().__init__(message, line, value, where)
        self.message = message
        self.line = line
        self.value = value
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class JudgingStopped(Exception):
    """The run is being interrupted: judging was abandoned (the result would be discarded anyway)."""


_cpu_clock = getattr(time, "thread_time", time.process_time)


class Budget:
    """CPU time the judging thread may spend on one pattern; the run's stop event ends it at once (Ctrl+C).

    Made in the thread that uses it: the clock is that thread's CPU time."""

    def __init__(self, seconds: float = JUDGE_BUDGET_S, stop: Optional[threading.Event] = None) -> None:
        self.seconds = seconds
        self.deadline = _cpu_clock() + seconds
        self.stop = stop
        self._steps = 0

    def remaining(self) -> float:
        return self.deadline - _cpu_clock()

    def spent(self) -> bool:
        """Whether the budget is used up; raises JudgingStopped when the run is stopping."""
        if self.stop is not None and self.stop.is_set():
            raise JudgingStopped()
        return _cpu_clock() >= self.deadline

    def tick(self) -> bool:
        """spent(), looked at only every _TICK calls: cheap enough for inner loops."""
        self._steps += 1
        return self._steps % _TICK == 0 and self.spent()


@dataclass(frozen=True)
class Mismatch:
    """Why output did not match: a one-line summary and a unified diff of the pattern (as written) against it."""

    summary: str
    diff: str


@dataclass(frozen=True)
class _Line:
    """A pattern line that matches exactly one output line: literal, `[..]` wildcards (parts), or `(re)` (regex)."""

    source: str
    lineno: int
    parts: Tuple[str, ...] = ()  # the literal text around `[..]`; () for a literal or regex line
    # A `regex` package pattern, matched under the budget; `source` says all it is, so only that is compared.
    regex: Optional[object] = field(default=None, compare=False)

    @property
    def literal(self) -> bool:
        return not self.parts and self.regex is None

    def matches(self, actual: str, budget: Budget) -> bool:
        if self.regex is not None:
            try:
                # concurrent: the GIL is let go while it runs, so the main thread still acts on Ctrl+C at once.
                allowed = max(min(budget.remaining(), REGEX_CALL_S), 0.001)
                found = self.regex.fullmatch(actual, timeout=allowed, concurrent=True)  # type: ignore[attr-defined]
            except TimeoutError:
                budget.spent()  # an interruption is told apart from a slow regex
                raise JudgingTimeout(
                    f"regex {self.source[: -len(REGEX_SUFFIX)]!r} took more than {allowed:.2g} s of CPU time "
                    f"against one line of {len(actual):,} characters; a nested repetition such as (a+)+ "
                    "backtracks exponentially: simplify the regex",
                    self.lineno, self.source,
                ) from None
            return found is not None
        if self.parts:
            return _glob_matches(self.parts, actual)
        return actual == self.source


def _glob_matches(parts: Tuple[str, ...], actual: str) -> bool:
    """`[..]` matches any text: the first part must begin the line, the last end it, and the ones between are found
    leftmost in order (taking the earliest place never hurts a later part), so the cost is linear in the line."""
    first, last = parts[0], parts[-1]
    if len(actual) < len(first) + len(last) or not actual.startswith(first) or not actual.endswith(last):
        return False
    position, end = len(first), len(actual) - len(last)
    for part in parts[1:-1]:
        if part:
            found = actual.find(part, position, end)
            if found < 0:
                return False
            position = found + len(part)
    return True


@dataclass(frozen=True)
class _AnyLines:
    """A `...` line: any number of output lines, including none."""

    lineno: int


@dataclass(frozen=True)
class _Group:
    """An `[unordered]` block: its members match as many consecutive output lines, in any order."""

    members: Tuple[_Line, ...]
    open_lineno: int
    close_lineno: int


_Item = Union[_Line, _AnyLines, _Group]


def _width(item: _Item) -> int:
    """Output lines the item takes (0 for `...`, which takes a variable number)."""
    if isinstance(item, _Group):
        return len(item.members)
    return 0 if isinstance(item, _AnyLines) else 1


def _source_lines(item: _Item) -> int:
    """Pattern lines the item is written on."""
    return len(item.members) + 2 if isinstance(item, _Group) else 1


def _lineno(item: _Item) -> int:
    return item.open_lineno if isinstance(item, _Group) else item.lineno


@dataclass(frozen=True)
class Origin:
    """Where a pattern is written: the case file, the line of its key, and whether its text starts on the next line."""

    path: str = ""
    key_line: int = 0
    multiline: bool = False

    def where(self, lineno: int) -> str:
        if not self.path:
            return ""
        return f"{self.path}:{self.key_line + (lineno if self.multiline else 0)}"


@dataclass(frozen=True)
class Pattern:
    """A compiled expected-output pattern; `match` returns None when the text matches, else a Mismatch."""

    source: str
    _items: Tuple[_Item, ...] = field(repr=False)
    _single_line: bool = field(default=False, repr=False)
    origin: Origin = field(default=Origin(), repr=False, compare=False)

    def located(self, path: str, key_line: int, multiline: bool) -> "Pattern":
        """The same pattern, knowing where it is written (for messages that name the case file's line)."""
        return Pattern(self.source, self._items, self._single_line, Origin(path, key_line, multiline))

    def _lines(self, text: str) -> List[str]:
        lines = text.splitlines()
        if self._single_line and not lines:
            lines = [""]  # an empty exception line is still one line
        return lines

    def match(self, text: str, budget: Optional[Budget] = None) -> Optional[Mismatch]:
        """None when the text matches; raises JudgingTimeout (naming the case file's line) beyond the budget."""
        return self.check(text, budget)[1]

    def check(self, text: str, budget: Optional[Budget] = None) -> Tuple[str, Optional[Mismatch]]:
        """The canonical text (see `canonical`) and the mismatch, if any, with one search for both."""
        comparison = _Comparison(self._items, self._lines(text), budget or Budget())
        try:
            starts = comparison.placements()
        except JudgingTimeout as exc:
            raise JudgingTimeout(exc.message, exc.line, exc.value, self.origin.where(exc.line)) from None
        if starts is None:
            return text, comparison.explain()
        return self._sorted_groups(text, comparison.lines, starts), None

    def first_matching_line(self, text: str, budget: Optional[Budget] = None) -> Optional[Tuple[int, str]]:
        """For a single-line pattern: the first line of text it matches (1-based number and line), or None."""
        budget = budget or Budget()
        (matcher,) = self._items
        assert isinstance(matcher, _Line)
        try:
            lines = text.splitlines()
            for number, line in enumerate(lines, 1):
                if budget.tick():
                    raise JudgingTimeout(f"matching took more than {budget.seconds:g} s of CPU time against "
                                         f"{len(lines):,} output lines", matcher.lineno, matcher.source)
                if matcher.matches(line, budget):
                    return number, line
        except JudgingTimeout as exc:
            raise JudgingTimeout(exc.message, exc.line, exc.value, self.origin.where(exc.line)) from None
        return None

    def canonical(self, text: str, budget: Optional[Budget] = None) -> str:
        """The text with the lines each `[unordered]` group matched put in sorted order.

        Two outputs that this pattern accepts only in a different interleaving then compare equal, so a passing
        cell is not called flaky for the order of lines written concurrently. Text that does not match is
        returned unchanged."""
        if not any(isinstance(item, _Group) for item in self._items):
            return text
        return self.check(text, budget)[0]

    def _sorted_groups(self, text: str, lines: List[str], starts: List[int]) -> str:
        if not any(isinstance(item, _Group) for item in self._items):
            return text
        out = list(lines)
        for item, start in zip(self._items, starts):
            if isinstance(item, _Group):
                out[start : start + len(item.members)] = sorted(lines[start : start + len(item.members)])
        return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def compile_pattern(text: str, normalize: Optional[Normalizer] = None) -> Pattern:
    """Compile a multi-line pattern; with `normalize`, reject literal text that normalized output can never contain."""
    items: List[_Item] = []
    group_open: Optional[int] = None
    members: List[_Line] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if line == GROUP_OPEN:
            if group_open is not None:
                raise PatternError(
                    f"{GROUP_OPEN} groups cannot be nested (the group opened on line {group_open} is still open)",
                    lineno, line,
                )
            group_open, members = lineno, []
        elif line == GROUP_CLOSE:
            if group_open is None:
                raise PatternError(f"{GROUP_CLOSE} without an open {GROUP_OPEN}", lineno, line)
            if not members:
                raise PatternError(f"empty {GROUP_OPEN} group: put the lines to match in any order inside it", lineno, line)
            items.append(_Group(tuple(members), group_open, lineno))
            group_open = None
        elif line == ANY_LINES:
            if group_open is not None:
                raise PatternError(
                    f"{ANY_LINES!r} is not allowed inside an {GROUP_OPEN} group: each line there matches exactly one "
                    f"output line (put {ANY_LINES!r} before or after the group)",
                    lineno, line,
                )
            items.append(_AnyLines(lineno))
        else:
            matcher = _compile_line(line, lineno, normalize)
            if group_open is not None:
                members.append(matcher)
            else:
                items.append(matcher)
    if group_open is not None:
        raise PatternError(f"{GROUP_OPEN} is never closed by {GROUP_CLOSE}", group_open, GROUP_OPEN)
    return Pattern(text, tuple(items))


def compile_line(line: str, normalize: Optional[Normalizer] = None) -> Pattern:
    """Compile a single-line pattern (no `...`, no groups), such as the expected exception line."""
    lines = line.splitlines() or [""]
    if len(lines) > 1:
        raise PatternError("a single-line pattern cannot span several lines", 2, lines[1])
    only = lines[0]
    if only in (ANY_LINES, GROUP_OPEN, GROUP_CLOSE):
        raise PatternError(f"{only!r} is not allowed in a single-line pattern; use [..] to match any text", 1, only)
    return Pattern(line, (_compile_line(only, 1, normalize),), _single_line=True)


def _compile_line(line: str, lineno: int, normalize: Optional[Normalizer]) -> _Line:
    if line.endswith(REGEX_SUFFIX):
        expression = line[: -len(REGEX_SUFFIX)]
        try:
            re.compile(expression)  # the documented syntax (and messages) are the standard library's
        except (re.error, OverflowError, RecursionError) as exc:
            # OverflowError/RecursionError: re.compile's own reactions to huge repeat counts and deep nesting.
            raise PatternError(f"invalid regex {expression!r}: {exc}", lineno, line) from None
        if _requires_line_break(expression):
            raise PatternError(
                f"can never match: regex {expression!r} needs a line break, but it is matched against one line",
                lineno, line,
            )
        try:
            bounded = bounded_re.compile(expression)
        except (bounded_re.error, OverflowError, RecursionError, ValueError) as exc:
            raise PatternError(f"regex {expression!r} is valid for `re` but not for the time-bounded matcher: {exc}",
                               lineno, line) from None
        return _Line(line, lineno, regex=bounded)
    parts = line.split(WILDCARD)
    if normalize is not None:
        for part in parts:
            _check_normalized(part, normalize, lineno, line)
    if len(parts) == 1:
        return _Line(line, lineno)
    return _Line(line, lineno, parts=tuple(parts))


def _check_normalized(literal: str, normalize: Normalizer, lineno: int, line: str) -> None:
    normalized = normalize(literal)
    if normalized == literal:
        return
    was, becomes = _changed_words(literal, normalized)
    raise PatternError(
        f"can never match: normalized output never contains {was!r} (normalization makes it {becomes!r})",
        lineno, line,
    )


def _changed_words(before: str, after: str) -> Tuple[str, str]:
    """The smallest whitespace-delimited stretch that differs, so the message names `0x7ffd1234`, not the line."""
    prefix = 0
    while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(before), len(after)) - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    while prefix > 0 and not before[prefix - 1].isspace():
        prefix -= 1
    while suffix > 0 and not before[len(before) - suffix].isspace():
        suffix -= 1
    return before[prefix : len(before) - suffix], after[prefix : len(after) - suffix]


def _requires_line_break(expression: str) -> bool:
    """Whether every match of the regex contains a line break (so it can never match a single line).

    Scanning the text for `\\n` would also reject `[^\\n]*` and `a\\n?b`; the parsed form tells them apart. The parser
    is private to `re` (`sre_parse` before 3.11), so anything unexpected means "cannot tell" and the regex is kept.
    """
    try:
        try:
            from re import _parser as parser  # type: ignore[attr-defined]
        except ImportError:
            import sre_parse as parser  # type: ignore[no-redef]
        return _sequence_requires_break(parser.parse(expression))
    except Exception:
        return False


def _sequence_requires_break(sequence: Iterable[Tuple[object, object]]) -> bool:
    return any(_node_requires_break(getattr(op, "name", str(op)), argument) for op, argument in sequence)


def _node_requires_break(op: str, argument: object) -> bool:
    if op == "LITERAL":
        return chr(argument) in _LINE_BREAKS  # type: ignore[arg-type]
    if op == "IN":
        return all(
            getattr(member_op, "name", "") == "LITERAL" and chr(value) in _LINE_BREAKS  # type: ignore[arg-type]
            for member_op, value in argument  # type: ignore[attr-defined]
        )
    if op == "SUBPATTERN":
        return _sequence_requires_break(argument[-1])  # type: ignore[index]
    if op == "ATOMIC_GROUP":
        return _sequence_requires_break(argument)  # type: ignore[arg-type]
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        minimum, _maximum, body = argument  # type: ignore[misc]
        return minimum >= 1 and _sequence_requires_break(body)
    if op == "BRANCH":
        return all(_sequence_requires_break(branch) for branch in argument[1])  # type: ignore[index]
    return False


class _Row(NamedTuple):
    """One line of the rendered diff. `expected_before`/`actual_before` count the lines of each side before it."""

    tag: str  # " " context, "-" only in the pattern, "+" only in the output
    text: str
    expected_before: int
    actual_before: int
    in_group: bool = False


class _Comparison:
    """One pattern against one output: whether they match and, if not, the best alignment to show."""

    def __init__(self, items: Sequence[_Item], lines: Sequence[str], budget: Budget) -> None:
        self.items = items
        self.lines = lines
        self.budget = budget
        # Where the search for a match gave up, for the diff to look at when it cannot align everything: (item,
        # line, missing), missing when the run of items from `item` (a `...`) is nowhere in lines from `line` on.
        self.failure: Tuple[int, int, bool] = (0, 0, False)
        self._line_matches: Dict[Tuple[int, int], bool] = {}
        self._candidates: Dict[Tuple[int, int], List[int]] = {}

    # -- deciding ---------------------------------------------------------------------------------------------

    def line_matches(self, matcher: _Line, index: int) -> bool:
        key = (id(matcher), index)
        known = self._line_matches.get(key)
        if known is None:
            if self.budget.tick():
                self._out_of_time(matcher)
            known = self._line_matches[key] = matcher.matches(self.lines[index], self.budget)
        return known

    def _test(self, matcher: _Line, index: int, run: _Item) -> bool:
        """line_matches without the memo (the search looks at most lines once: a memo would only cost memory).
        Out of time, it blames the first line of the run of lines being placed."""
        if self.budget.tick():
            self._out_of_time(run)
        return matcher.matches(self.lines[index], self.budget)

    def _out_of_time(self, item: _Item) -> None:
        source = item.source if isinstance(item, _Line) else GROUP_OPEN if isinstance(item, _Group) else ANY_LINES
        raise JudgingTimeout(
            f"matching took more than {self.budget.seconds:g} s of CPU time against {len(self.lines):,} "
            f"output lines (placing the lines from {source!r} on)",
            _lineno(item), source,
        )

    def candidates(self, group: _Group, index: int) -> List[int]:
        """The members of `group` that output line `index` could be."""
        key = (id(group), index)
        known = self._candidates.get(key)
        if known is None:
            known = [m for m, member in enumerate(group.members) if self.line_matches(member, index)]
            self._candidates[key] = known
        return known

    def matches(self) -> bool:
        return self.placements() is not None

    def placements(self) -> Optional[List[int]]:
        """The output line where each item starts in a match (for `...`, where the lines it takes start), or None.

        `...` lines split the pattern into runs of fixed length (lines and groups). The first run is anchored at
        the start, the last at the end (unless the pattern begins or ends with `...`), and each run between is
        placed leftmost after the previous one: an earlier place never leaves less room for the runs after it.
        """
        items, lines = self.items, self.lines
        n, m = len(items), len(lines)
        starts = [0] * n
        position = i = 0
        while i < n:
            floating = False
            while i < n and isinstance(items[i], _AnyLines):
                starts[i], floating, i = position, True, i + 1
            if i == n:  # a trailing `...` takes whatever is left
                return starts
            end, length = i, 0
            while end < n and not isinstance(items[end], _AnyLines):
                length += _width(items[end])
                end += 1
            if not floating:
                at: Optional[int] = position if end < n or length == m else None
                if at is not None and self._mismatch_at(i, end, at) is not None:
                    at = None
                if at is None:
                    self.failure = self._anchored_failure(i, end, position)
            elif end == n:  # the last run ends the output
                at = m - length
                if at < position or self._mismatch_at(i, end, at) is not None:
                    self.failure = self._anchored_failure(i, end, at) if at >= position else (i - 1, position, True)
                    at = None
            else:
                at = self._leftmost(i, end, position, length)
                if at is None:
                    self.failure = (i - 1, position, True)
            if at is None:
                return None
            for k in range(i, end):
                starts[k] = at
                at += _width(items[k])
            position, i = at, end
        if position != m:  # no `...` at all, and output left over
            self.failure = (n, position, False)
            return None
        return starts

    def _mismatch_at(self, first: int, end: int, at: int) -> Optional[Tuple[int, int]]:
        """The first (item, line) of items[first:end] that does not match when the run starts at line `at`."""
        lines = len(self.lines)
        for k in range(first, end):
            item = self.items[k]
            if isinstance(item, _Group):
                size = len(item.members)
                if at + size > lines or self.group_matching(item, at, size, perfect_only=True)[0][-1] != size:
                    return k, at
                at += size
            else:
                assert isinstance(item, _Line)
                if at >= lines or not self._test(item, at, self.items[first]):
                    return k, at
                at += 1
        return None

    def _anchored_failure(self, first: int, end: int, at: int) -> Tuple[int, int, bool]:
        found = self._mismatch_at(first, end, at)
        if found is None:
            return end, at + sum(_width(x) for x in self.items[first:end]), False
        return found[0], found[1], False

    def _leftmost(self, first: int, end: int, start: int, length: int) -> Optional[int]:
        """The first line from `start` where items[first:end] (length lines) match, or None."""
        last = len(self.lines) - length
        head = self.items[first]
        literal = isinstance(head, _Line) and head.literal
        at = start
        while at <= last:
            if literal:  # list.index scans in C: a literal first line skips every other line quickly
                assert isinstance(head, _Line)
                try:
                    at = self.lines.index(head.source, at, last + 1)  # type: ignore[attr-defined]
                except ValueError:
                    return None
            if self.budget.tick():
                self._out_of_time(head)
            if self._mismatch_at(first, end, at) is None:
                return at
            at += 1
        return None

    def group_matching(
        self, group: _Group, start: int, count: int, perfect_only: bool = False
    ) -> Tuple[List[int], Dict[int, int]]:
        """Maximum bipartite matchings between the group's members and lines start.., grown one line at a time.

        Returns the matching size after each of the first `count` lines (sizes[k] for lines start..start+k) and the
        final matching as {member: line index}. Greedy assignment is not enough: `[..]` members can overlap.
        With `perfect_only`, stops at the first line that finds no member, since the block cannot match then.
        """
        owner: Dict[int, int] = {}  # member -> line
        assigned: Dict[int, int] = {}  # line -> member
        sizes = [0]
        for index in range(start, start + count):
            found = _augment(index, lambda line: self.candidates(group, line), owner, assigned)
            sizes.append(sizes[-1] + found)
            if perfect_only and not found:
                break
        return sizes, owner

    # -- explaining -------------------------------------------------------------------------------------------

    def explain(self) -> Mismatch:
        """The summary and diff of a mismatch, within DIFF_BUDGET_S of its own and MAX_DIFF_CELLS of memory."""
        self.budget = Budget(DIFF_BUDGET_S, self.budget.stop)
        n, m = len(self.items), len(self.lines)
        bounds = self._window() if (n + 1) * (m + 1) > MAX_DIFF_CELLS else (0, n, 0, m)
        try:
            rows = self.align(*bounds)
        except JudgingTimeout:
            return Mismatch(f"line {self.failure[1] + 1}: the output differs from the pattern from here on (no diff: "
                            f"aligning them took more than {DIFF_BUDGET_S:g} s)", "")
        summary = _summarize(rows, m)
        if bounds == (0, n, 0, m):
            return Mismatch(summary, _render(rows))
        i0, i1, j0, j1 = bounds
        item, line, missing = self.failure
        if missing and item + 1 < n:  # the search knows more than the window shows: say it
            sought = self.items[item + 1]
            what = sought.source if isinstance(sought, _Line) else f"{GROUP_OPEN} group of line {_lineno(sought)}"
            summary = f"line {line + 1}: missing {_quote(what)} (nowhere in the {m - line:,} output lines from there on)"
        first = sum(_source_lines(x) for x in self.items[:i0])
        shown = sum(_source_lines(x) for x in self.items[i0:i1])
        total = sum(_source_lines(x) for x in self.items)
        note = (f"\\ diff of a window only: pattern lines {first + 1}-{first + shown} of {total} against output lines "
                f"{j0 + 1}-{j1} of {m:,}; aligning all of them would cost too much time and memory\n")
        return Mismatch(summary + " (diff of a window of the output)", _render(rows) + note)

    def _window(self) -> Tuple[int, int, int, int]:
        """Items and lines to align when all of them would cost too much: around where the search gave up.

        Pattern lines that matched just before that place are included as context. When a run of lines was
        nowhere to be found, the window is the end of the output, where the diff then shows it missing."""
        n, m = len(self.items), len(self.lines)
        i, j, missing = self.failure
        i, j = min(i, n), min(j, m)
        if not missing:
            back = 0
            while back < CONTEXT_LINES and i > 0 and j > 0 and isinstance(self.items[i - 1], _Line):
                i, j, back = i - 1, j - 1, back + 1
        wn = min(n - i, WINDOW_ITEMS)
        wm = min(m - j, wn + WINDOW_EXTRA_LINES, MAX_DIFF_CELLS // (wn + 1) - 1)
        if missing:
            j = max(j, m - wm)
        return i, i + wn, j, j + wm

    def align(self, i0: int, i1: int, j0: int, j1: int) -> List[_Row]:
        """The cheapest alignment of items[i0:i1] with lines[j0:j1], where cost counts pattern lines left unmatched
        plus output lines left over.

        A window that leaves out later lines of one side has an open end on the other: its remaining items (or
        lines) may belong with what lies beyond the window, so leaving them is free."""
        n, m = i1 - i0, j1 - j0
        items_open, lines_open = j1 < len(self.lines), i1 < len(self.items)
        cost = [[0] * (m + 1) for _ in range(n + 1)]
        choice: List[List[Tuple[str, int]]] = [[("end", 0)] * (m + 1) for _ in range(n + 1)]
        for j in range(m - 1, -1, -1):
            if not lines_open:
                cost[n][j] = cost[n][j + 1] + 1
                choice[n][j] = ("insert", 0)
        for i in range(n - 1, -1, -1):
            item = self.items[i0 + i]
            if isinstance(item, _Line):
                self._align_line(item, cost[i], cost[i + 1], choice[i], j0, m, items_open)
                if self.budget.spent():
                    self._out_of_time(item)
                continue
            for j in range(m, -1, -1):
                if j == m and items_open:
                    continue  # cost 0, "end"
                line = j0 + j
                # Options in order of preference: on a tie the first wins, which keeps matches as context.
                options: List[Tuple[int, str, int]] = []
                if isinstance(item, _AnyLines):
                    options.append((cost[i + 1][j], "skip", 0))
                    if j < m:
                        options.append((cost[i][j + 1], "absorb", 0))
                elif isinstance(item, _Line):
                    if j < m and self.line_matches(item, line):
                        options.append((cost[i + 1][j + 1], "match", 0))
                    options.append((cost[i + 1][j] + 1, "delete", 0))
                    if j < m:
                        # A replaced line costs one, not two, so that `...` followed by a wrong last line shows
                        # the wrong line instead of absorbing it and reporting the expected one as missing.
                        options.append((cost[i + 1][j + 1] + 1, "replace", 0))
                else:
                    size = len(item.members)
                    # A group may take a few more lines than it has members: leftovers then show inside the block.
                    # A block starting with a line no member fits never beats inserting that line before it.
                    longest = min(m - j, 2 * size + 2) if j < m and self.candidates(item, line) else 0
                    sizes, _ = self.group_matching(item, line, longest)
                    for k in sorted(range(longest + 1), key=lambda k: (abs(k - size), k)):
                        options.append((cost[i + 1][j + k] + (size - sizes[k]) + (k - sizes[k]), "block", k))
                if j < m:
                    options.append((cost[i][j + 1] + 1, "insert", 0))
                best = min(options, key=lambda option: option[0])
                cost[i][j] = best[0]
                choice[i][j] = (best[1], best[2])
            if self.budget.spent():
                self._out_of_time(item)
        return self._rows(choice, i0, i1, j0, j1)

    def _align_line(self, item: _Line, row: List[int], below: List[int], choices: List[Tuple[str, int]], j0: int, m: int,
                    items_open: bool) -> None:
        """One row of the alignment for a pattern line: the general loop's options for it, without building them
        (this row is most of the work). On a tie, match beats delete beats replace beats insert."""
        if not items_open:
            row[m], choices[m] = below[m] + 1, ("delete", 0)
        lines, budget, literal, source = self.lines, self.budget, item.literal, item.source
        for j in range(m - 1, -1, -1):
            # Each (pattern line, output line) pair is looked at once here: no memo needed.
            if lines[j0 + j] == source if literal else item.matches(lines[j0 + j], budget):
                best, action = below[j + 1], "match"
            else:
                best, action = below[j] + 1, "delete"
                if below[j + 1] + 1 < best:
                    best, action = below[j + 1] + 1, "replace"
            if row[j + 1] + 1 < best:
                best, action = row[j + 1] + 1, "insert"
            row[j], choices[j] = best, (action, 0)

    def _rows(self, choice: List[List[Tuple[str, int]]], i0: int, i1: int, j0: int, j1: int) -> List[_Row]:
        rows: List[_Row] = []
        expected = sum(_source_lines(x) for x in self.items[:i0])  # pattern lines before the first one shown
        absorbed_from: Optional[int] = None  # where the current `...` began taking lines
        i, j = i0, j0
        while (i, j) != (i1, j1):
            action, k = choice[i - i0][j - j0]
            item = self.items[i] if i < i1 else None
            if action == "end":  # the open end of a window
                break
            if action == "insert":
                rows.append(_Row("+", self.lines[j], expected, j))
                j += 1
            elif action == "absorb":
                absorbed_from = j if absorbed_from is None else absorbed_from
                j += 1
            elif action == "skip":
                # A `...` and all the lines it took show as one context line: they matched.
                rows.append(_Row(" ", ANY_LINES, expected, j if absorbed_from is None else absorbed_from))
                absorbed_from = None
                expected += 1
                i += 1
            elif action == "match":
                assert isinstance(item, _Line)
                rows.append(_Row(" ", item.source, expected, j))
                expected += 1
                i, j = i + 1, j + 1
            elif action == "delete":
                assert isinstance(item, _Line)
                rows.append(_Row("-", item.source, expected, j))
                expected += 1
                i += 1
            elif action == "replace":
                assert isinstance(item, _Line)
                rows.append(_Row("-", item.source, expected, j))
                rows.append(_Row("+", self.lines[j], expected + 1, j))
                expected += 1
                i, j = i + 1, j + 1
            else:
                assert isinstance(item, _Group)
                rows.extend(self._group_rows(item, j, k, expected))
                expected += len(item.members) + 2
                i, j = i + 1, j + k
        return _removals_first(rows)

    def _group_rows(self, group: _Group, start: int, count: int, expected: int) -> List[_Row]:
        _, owner = self.group_matching(group, start, count)
        rows = [_Row(" ", GROUP_OPEN, expected, start, True)]
        for m, member in enumerate(group.members):
            expected += 1
            if m in owner:
                rows.append(_Row(" ", member.source, expected, owner[m], True))
            else:
                rows.append(_Row("-", member.source, expected, start, True))
        used = set(owner.values())
        for index in range(start, start + count):
            if index not in used:
                rows.append(_Row("+", self.lines[index], expected + 1, index, True))
        rows.append(_Row(" ", GROUP_CLOSE, expected + 1, start + count, True))
        return rows


def _removals_first(rows: List[_Row]) -> List[_Row]:
    """Within each run of changes, pattern lines before output lines, as difflib shows a replaced block."""
    ordered: List[_Row] = []
    for (changed, _), run in itertools.groupby(rows, key=lambda row: (row.tag != " ", row.in_group)):
        ordered.extend(sorted(run, key=lambda row: row.tag != "-") if changed else run)
    return ordered


def _augment(
    line: int, candidates: Callable[[int], List[int]], owner: Dict[int, int], assigned: Dict[int, int]
) -> bool:
    """Try to give `line` a member, re-seating already matched lines along an alternating path (Kuhn's method).

    Iterative, so a group of thousands of lines does not hit the recursion limit.
    """
    for member in candidates(line):
        if member not in owner:  # the common case needs no search
            owner[member], assigned[line] = line, member
            return True
    visited: Set[int] = set()
    reached_by: Dict[int, int] = {}  # member -> the line that wants it
    stack: List[Tuple[int, Iterator[int]]] = [(line, iter(candidates(line)))]
    while stack:
        current, members = stack[-1]
        for member in members:
            if member in visited:
                continue
            visited.add(member)
            reached_by[member] = current
            if member not in owner:
                while True:  # flip the path back to `line`
                    taker = reached_by[member]
                    previous = assigned.get(taker)
                    owner[member], assigned[taker] = taker, member
                    if previous is None:
                        return True
                    member = previous
            stack.append((owner[member], iter(candidates(owner[member]))))
            break
        else:
            stack.pop()
    return False


def _summarize(rows: Sequence[_Row], actual_count: int) -> str:
    """The first difference in words, in pytest's manner, plus how many more the diff shows."""
    changes = [index for index, row in enumerate(rows) if row.tag != " "]
    if not changes:  # only possible in a window that happens to align: the difference lies beyond it
        return "the output differs from the pattern beyond the part compared"
    first = rows[changes[0]]
    described = 1
    if first.in_group and first.tag == "-":
        message = f"remains unmatched: {_quote(first.text)}"
    elif first.tag == "+":
        message = f"line {first.actual_before + 1}: unexpected {_quote(first.text)}"
    else:
        replacement = _replacement_for(rows, changes[0])
        if replacement is not None:
            described = 2
            message = (
                f"line {replacement.actual_before + 1}: expected {_quote(first.text)}, got {_quote(replacement.text)}"
            )
        elif first.actual_before >= actual_count:
            message = f"line {first.actual_before + 1}: expected {_quote(first.text)}, got end of output"
        else:
            message = f"line {first.actual_before + 1}: missing {_quote(first.text)}"
    more = len(changes) - described
    if more:
        message += f" (and {more} more difference{'s' if more > 1 else ''})"
    return message


def _replacement_for(rows: Sequence[_Row], index: int) -> Optional[_Row]:
    """The output line that took the place of the pattern line at rows[index], if the change is a replacement."""
    for row in rows[index + 1 :]:
        if row.tag == "+" and row.in_group == rows[index].in_group:
            return row
        if row.tag != "-":
            return None
    return None


def _quote(text: str) -> str:
    if len(text) > SUMMARY_WIDTH:
        text = text[: SUMMARY_WIDTH - 3] + "..."
    return repr(text)


def _render(rows: Sequence[_Row]) -> str:
    """A unified diff (difflib's layout, 3 lines of context) of pattern lines as written against the output."""
    out = ["--- expected\n", "+++ actual\n"]
    for start, stop in _hunks(rows):
        hunk = rows[start:stop]
        expected = [row for row in hunk if row.tag != "+"]
        actual = [row for row in hunk if row.tag != "-"]
        expected_start = hunk[0].expected_before + (1 if expected else 0)
        actual_start = actual[0].actual_before + 1 if actual else hunk[0].actual_before
        out.append(
            f"@@ -{_range(expected_start, len(expected))} +{_range(actual_start, len(actual))} @@\n"
        )
        out.extend(f"{row.tag}{row.text}\n" for row in hunk)
    return "".join(out)


def _hunks(rows: Sequence[_Row]) -> List[Tuple[int, int]]:
    hunks: List[Tuple[int, int]] = []
    for index, row in enumerate(rows):
        if row.tag == " ":
            continue
        start, stop = max(0, index - CONTEXT_LINES), min(len(rows), index + CONTEXT_LINES + 1)
        if hunks and start <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], stop)
        else:
            hunks.append((start, stop))
    return hunks


def _range(start: int, length: int) -> str:
    return str(start) if length == 1 else f"{start},{length}"
