"""The pattern language of expected output: literal lines, `[..]` within a line, `...` for any lines, ` (re)` regex
lines and `[unordered]` groups, parsed into items; what can never match is refused when a case is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional, Tuple, Union

import regex as bounded_re

from harness.budget import REGEX_CALL_S, Budget, JudgingTimeout

ANY_LINES = "..."
WILDCARD = "[..]"
REGEX_SUFFIX = " (re)"
GROUP_OPEN = "[unordered]"
GROUP_CLOSE = "[/unordered]"

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


@dataclass(frozen=True)
class Line:
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
class AnyLines:
    """A `...` line: any number of output lines, including none."""

    lineno: int


@dataclass(frozen=True)
class Group:
    """An `[unordered]` block: its members match as many consecutive output lines, in any order."""

    members: Tuple[Line, ...]
    open_lineno: int
    close_lineno: int


Item = Union[Line, AnyLines, Group]


def width(item: Item) -> int:
    """Output lines the item takes (0 for `...`, which takes a variable number)."""
    if isinstance(item, Group):
        return len(item.members)
    return 0 if isinstance(item, AnyLines) else 1


def source_lines(item: Item) -> int:
    """Pattern lines the item is written on."""
    return len(item.members) + 2 if isinstance(item, Group) else 1


def lineno_of(item: Item) -> int:
    return item.open_lineno if isinstance(item, Group) else item.lineno


def parse_items(text: str, normalize: Optional[Normalizer] = None) -> Tuple[Item, ...]:
    """The items of a multi-line pattern; with `normalize`, reject literal text that normalized output can never
    contain."""
    items: List[Item] = []
    group_open: Optional[int] = None
    members: List[Line] = []
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
            items.append(Group(tuple(members), group_open, lineno))
            group_open = None
        elif line == ANY_LINES:
            if group_open is not None:
                raise PatternError(
                    f"{ANY_LINES!r} is not allowed inside an {GROUP_OPEN} group: each line there matches exactly one "
                    f"output line (put {ANY_LINES!r} before or after the group)",
                    lineno, line,
                )
            items.append(AnyLines(lineno))
        else:
            matcher = _compile_line(line, lineno, normalize)
            if group_open is not None:
                members.append(matcher)
            else:
                items.append(matcher)
    if group_open is not None:
        raise PatternError(f"{GROUP_OPEN} is never closed by {GROUP_CLOSE}", group_open, GROUP_OPEN)
    return tuple(items)


def parse_line(line: str, normalize: Optional[Normalizer] = None) -> Line:
    """The one item of a single-line pattern (no `...`, no groups), such as the expected exception line."""
    lines = line.splitlines() or [""]
    if len(lines) > 1:
        raise PatternError("a single-line pattern cannot span several lines", 2, lines[1])
    only = lines[0]
    if only in (ANY_LINES, GROUP_OPEN, GROUP_CLOSE):
        raise PatternError(f"{only!r} is not allowed in a single-line pattern; use [..] to match any text", 1, only)
    return _compile_line(only, 1, normalize)


def _compile_line(line: str, lineno: int, normalize: Optional[Normalizer]) -> Line:
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
        return Line(line, lineno, regex=bounded)
    parts = line.split(WILDCARD)
    if normalize is not None:
        for part in parts:
            _check_normalized(part, normalize, lineno, line)
    if len(parts) == 1:
        return Line(line, lineno)
    return Line(line, lineno, parts=tuple(parts))


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
