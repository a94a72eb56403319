"""Match normalized output against a case's expected-output pattern, and explain a mismatch as a unified diff."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple, Union

ANY_LINES = "..."
WILDCARD = "[..]"
REGEX_SUFFIX = " (re)"
GROUP_OPEN = "[unordered]"
GROUP_CLOSE = "[/unordered]"
CONTEXT_LINES = 3
SUMMARY_WIDTH = 120

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
class Mismatch:
    """Why output did not match: a one-line summary and a unified diff of the pattern (as written) against it."""

    summary: str
    diff: str


@dataclass(frozen=True)
class _Line:
    """A pattern line that matches exactly one output line: literal (regex None), `[..]` wildcards, or `(re)`."""

    source: str
    lineno: int
    regex: Optional["re.Pattern[str]"] = None

    def matches(self, actual: str) -> bool:
        if self.regex is None:
            return actual == self.source
        return self.regex.fullmatch(actual) is not None


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


@dataclass(frozen=True)
class Pattern:
    """A compiled expected-output pattern; `match` returns None when the text matches, else a Mismatch."""

    source: str
    _items: Tuple[_Item, ...] = field(repr=False)
    _single_line: bool = field(default=False, repr=False)

    def match(self, text: str) -> Optional[Mismatch]:
        lines = text.splitlines()
        if self._single_line and not lines:
            lines = [""]  # an empty exception line is still one line
        comparison = _Comparison(self._items, lines)
        if comparison.matches():
            return None
        return comparison.explain()

    def canonical(self, text: str) -> str:
        """The text with the lines each `[unordered]` group matched put in sorted order.

        Two outputs that this pattern accepts only in a different interleaving then compare equal, so a passing
        cell is not called flaky for the order of lines written concurrently. Text that does not match is
        returned unchanged."""
        if not any(isinstance(item, _Group) for item in self._items):
            return text
        lines = text.splitlines()
        steps = _Comparison(self._items, lines).path()
        if steps is None:
            return text
        out = list(lines)
        for (i, j), (next_i, next_j) in zip(steps, steps[1:]):
            if next_i == i + 1 and isinstance(self._items[i], _Group):
                out[j:next_j] = sorted(lines[j:next_j])
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
            regex = re.compile(expression)
        except (re.error, OverflowError, RecursionError) as exc:
            # OverflowError/RecursionError: re.compile's own reactions to huge repeat counts and deep nesting.
            raise PatternError(f"invalid regex {expression!r}: {exc}", lineno, line) from None
        if _requires_line_break(expression):
            raise PatternError(
                f"can never match: regex {expression!r} needs a line break, but it is matched against one line",
                lineno, line,
            )
        return _Line(line, lineno, regex)
    parts = line.split(WILDCARD)
    if normalize is not None:
        for part in parts:
            _check_normalized(part, normalize, lineno, line)
    if len(parts) == 1:
        return _Line(line, lineno)
    return _Line(line, lineno, re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL))


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

    def __init__(self, items: Sequence[_Item], lines: Sequence[str]) -> None:
        self.items = items
        self.lines = lines
        self._line_matches: Dict[Tuple[int, int], bool] = {}
        self._candidates: Dict[Tuple[int, int], List[int]] = {}

    def line_matches(self, matcher: _Line, index: int) -> bool:
        key = (id(matcher), index)
        known = self._line_matches.get(key)
        if known is None:
            known = self._line_matches[key] = matcher.matches(self.lines[index])
        return known

    def candidates(self, group: _Group, index: int) -> List[int]:
        """The members of `group` that output line `index` could be."""
        key = (id(group), index)
        known = self._candidates.get(key)
        if known is None:
            known = [m for m, member in enumerate(group.members) if self.line_matches(member, index)]
            self._candidates[key] = known
        return known

    def matches(self) -> bool:
        return self.path() is not None

    def path(self) -> Optional[List[Tuple[int, int]]]:
        """The (item, line) states of one successful match, or None.

        Each state is visited once, so the search is polynomial."""
        end = (len(self.items), len(self.lines))
        parent: Dict[Tuple[int, int], Optional[Tuple[int, int]]] = {(0, 0): None}
        seen: Set[Tuple[int, int]] = set()
        pending = [(0, 0)]

        def push(state: Tuple[int, int], nxt: Tuple[int, int]) -> None:
            if nxt not in parent:
                parent[nxt] = state
            pending.append(nxt)

        while pending:
            state = pending.pop()
            if state == end:
                steps: List[Tuple[int, int]] = []
                cursor: Optional[Tuple[int, int]] = state
                while cursor is not None:
                    steps.append(cursor)
                    cursor = parent[cursor]
                return steps[::-1]
            if state in seen or state[0] == end[0]:
                continue
            seen.add(state)
            i, j = state
            item = self.items[i]
            if isinstance(item, _AnyLines):
                if j < end[1]:
                    push(state, (i, j + 1))
                push(state, (i + 1, j))
            elif isinstance(item, _Line):
                if j < end[1] and self.line_matches(item, j):
                    push(state, (i + 1, j + 1))
            else:
                size = len(item.members)
                if j + size <= end[1] and self.group_matching(item, j, size, perfect_only=True)[0][-1] == size:
                    push(state, (i + 1, j + size))
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

    def explain(self) -> Mismatch:
        rows = self.align()
        return Mismatch(_summarize(rows, len(self.lines)), _render(rows))

    def align(self) -> List[_Row]:
        """The cheapest alignment, where cost counts pattern lines left unmatched plus output lines left over."""
        n, m = len(self.items), len(self.lines)
        cost = [[0] * (m + 1) for _ in range(n + 1)]
        choice: List[List[Tuple[str, int]]] = [[("end", 0)] * (m + 1) for _ in range(n + 1)]
        for j in range(m - 1, -1, -1):
            cost[n][j] = cost[n][j + 1] + 1
            choice[n][j] = ("insert", 0)
        for i in range(n - 1, -1, -1):
            item = self.items[i]
            for j in range(m, -1, -1):
                # Options in order of preference: on a tie the first wins, which keeps matches as context.
                options: List[Tuple[int, str, int]] = []
                if isinstance(item, _AnyLines):
                    options.append((cost[i + 1][j], "skip", 0))
                    if j < m:
                        options.append((cost[i][j + 1], "absorb", 0))
                elif isinstance(item, _Line):
                    if j < m and self.line_matches(item, j):
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
                    longest = min(m - j, 2 * size + 2) if j < m and self.candidates(item, j) else 0
                    sizes, _ = self.group_matching(item, j, longest)
                    for k in sorted(range(longest + 1), key=lambda k: (abs(k - size), k)):
                        options.append((cost[i + 1][j + k] + (size - sizes[k]) + (k - sizes[k]), "block", k))
                if j < m:
                    options.append((cost[i][j + 1] + 1, "insert", 0))
                best = min(options, key=lambda option: option[0])
                cost[i][j] = best[0]
                choice[i][j] = (best[1], best[2])
        return self._rows(choice)

    def _rows(self, choice: List[List[Tuple[str, int]]]) -> List[_Row]:
        rows: List[_Row] = []
        expected = 0  # pattern lines shown so far
        absorbed_from: Optional[int] = None  # where the current `...` began taking lines
        i = j = 0
        n = len(self.items)
        while (i, j) != (n, len(self.lines)):
            action, k = choice[i][j]
            item = self.items[i] if i < n else None
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
