"""Explaining a mismatch: a unified diff of the pattern lines as written against the output, from the cheapest
alignment of the two over at most MAX_DIFF_CELLS pairs (a window around where the search gave up beyond that),
within a budget of its own."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import List, NamedTuple, Optional, Sequence, Tuple

from harness.budget import Budget, JudgingTimeout
from harness.patterns import ANY_LINES, GROUP_CLOSE, GROUP_OPEN, AnyLines, Group, Line, lineno_of, source_lines
from harness.search import Search

CONTEXT_LINES = 3
SUMMARY_WIDTH = 120
# The diff of a mismatch gets its own allowance: when it runs out the cell keeps its `fail`, with a summary only.
DIFF_BUDGET_S = 1.0
# The alignment behind a diff costs time and memory in proportion to pattern lines × output lines: above this
# many pairs (about 20 MB and a tenth of a second), only a window around the first difference is aligned.
MAX_DIFF_CELLS = 150_000
WINDOW_ITEMS = 300  # pattern items in such a window at most
WINDOW_EXTRA_LINES = 200  # and output lines beyond as many as its items


@dataclass(frozen=True)
class Mismatch:
    """Why output did not match: a one-line summary and a unified diff of the pattern (as written) against it."""

    summary: str
    diff: str


class _Row(NamedTuple):
    """One line of the rendered diff. `expected_before`/`actual_before` count the lines of each side before it."""

    tag: str  # " " context, "-" only in the pattern, "+" only in the output
    text: str
    expected_before: int
    actual_before: int
    in_group: bool = False


def explain(search: Search) -> Mismatch:
    """The summary and diff of a search that found no match."""
    return _Aligner(search).explain()


class _Aligner:
    """Aligns a failed search's items and lines, reusing what the search already learnt about them."""

    def __init__(self, search: Search) -> None:
        self.search = search

    def explain(self) -> Mismatch:
        """The summary and diff of a mismatch, within DIFF_BUDGET_S of its own and MAX_DIFF_CELLS of memory."""
        self.search.budget = Budget(DIFF_BUDGET_S, self.search.budget.stop)
        n, m = len(self.search.items), len(self.search.lines)
        bounds = self._window() if (n + 1) * (m + 1) > MAX_DIFF_CELLS else (0, n, 0, m)
        try:
            rows = self.align(*bounds)
        except JudgingTimeout:
            return Mismatch(f"line {self.search.failure[1] + 1}: the output differs from the pattern from here on (no diff: "
                            f"aligning them took more than {DIFF_BUDGET_S:g} s)", "")
        summary = _summarize(rows, m)
        if bounds == (0, n, 0, m):
            return Mismatch(summary, _render(rows))
        i0, i1, j0, j1 = bounds
        item, line, missing = self.search.failure
        if missing and item + 1 < n:  # the search knows more than the window shows: say it
            sought = self.search.items[item + 1]
            what = sought.source if isinstance(sought, Line) else f"{GROUP_OPEN} group of line {lineno_of(sought)}"
            summary = f"line {line + 1}: missing {_quote(what)} (nowhere in the {m - line:,} output lines from there on)"
        first = sum(source_lines(x) for x in self.search.items[:i0])
        shown = sum(source_lines(x) for x in self.search.items[i0:i1])
        total = sum(source_lines(x) for x in self.search.items)
        note = (f"\\ diff of a window only: pattern lines {first + 1}-{first + shown} of {total} against output lines "
                f"{j0 + 1}-{j1} of {m:,}; aligning all of them would cost too much time and memory\n")
        return Mismatch(summary + " (diff of a window of the output)", _render(rows) + note)

    def _window(self) -> Tuple[int, int, int, int]:
        """Items and lines to align when all of them would cost too much: around where the search gave up.

        Pattern lines that matched just before that place are included as context. When a run of lines was
        nowhere to be found, the window is the end of the output, where the diff then shows it missing."""
        n, m = len(self.search.items), len(self.search.lines)
        i, j, missing = self.search.failure
        i, j = min(i, n), min(j, m)
        if not missing:
            back = 0
            while back < CONTEXT_LINES and i > 0 and j > 0 and isinstance(self.search.items[i - 1], Line):
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
        items_open, lines_open = j1 < len(self.search.lines), i1 < len(self.search.items)
        cost = [[0] * (m + 1) for _ in range(n + 1)]
        choice: List[List[Tuple[str, int]]] = [[("end", 0)] * (m + 1) for _ in range(n + 1)]
        for j in range(m - 1, -1, -1):
            if not lines_open:
                cost[n][j] = cost[n][j + 1] + 1
                choice[n][j] = ("insert", 0)
        for i in range(n - 1, -1, -1):
            item = self.search.items[i0 + i]
            if isinstance(item, Line):
                self._align_line(item, cost[i], cost[i + 1], choice[i], j0, m, items_open)
                if self.search.budget.spent():
                    self.search.out_of_time(item)
                continue
            for j in range(m, -1, -1):
                if j == m and items_open:
                    continue  # cost 0, "end"
                line = j0 + j
                # Options in order of preference: on a tie the first wins, which keeps matches as context.
                options: List[Tuple[int, str, int]] = []
                if isinstance(item, AnyLines):
                    options.append((cost[i + 1][j], "skip", 0))
                    if j < m:
                        options.append((cost[i][j + 1], "absorb", 0))
                elif isinstance(item, Line):
                    if j < m and self.search.line_matches(item, line):
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
                    longest = min(m - j, 2 * size + 2) if j < m and self.search.candidates(item, line) else 0
                    sizes, _ = self.search.group_matching(item, line, longest)
                    for k in sorted(range(longest + 1), key=lambda k: (abs(k - size), k)):
                        options.append((cost[i + 1][j + k] + (size - sizes[k]) + (k - sizes[k]), "block", k))
                if j < m:
                    options.append((cost[i][j + 1] + 1, "insert", 0))
                best = min(options, key=lambda option: option[0])
                cost[i][j] = best[0]
                choice[i][j] = (best[1], best[2])
            if self.search.budget.spent():
                self.search.out_of_time(item)
        return self._rows(choice, i0, i1, j0, j1)

    def _align_line(self, item: Line, row: List[int], below: List[int], choices: List[Tuple[str, int]], j0: int, m: int,
                    items_open: bool) -> None:
        """One row of the alignment for a pattern line: the general loop's options for it, without building them
        (this row is most of the work). On a tie, match beats delete beats replace beats insert."""
        if not items_open:
            row[m], choices[m] = below[m] + 1, ("delete", 0)
        lines, budget, literal, source = self.search.lines, self.search.budget, item.literal, item.source
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
        expected = sum(source_lines(x) for x in self.search.items[:i0])  # pattern lines before the first one shown
        absorbed_from: Optional[int] = None  # where the current `...` began taking lines
        i, j = i0, j0
        while (i, j) != (i1, j1):
            action, k = choice[i - i0][j - j0]
            item = self.search.items[i] if i < i1 else None
            if action == "end":  # the open end of a window
                break
            if action == "insert":
                rows.append(_Row("+", self.search.lines[j], expected, j))
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
                assert isinstance(item, Line)
                rows.append(_Row(" ", item.source, expected, j))
                expected += 1
                i, j = i + 1, j + 1
            elif action == "delete":
                assert isinstance(item, Line)
                rows.append(_Row("-", item.source, expected, j))
                expected += 1
                i += 1
            elif action == "replace":
                assert isinstance(item, Line)
                rows.append(_Row("-", item.source, expected, j))
                rows.append(_Row("+", self.search.lines[j], expected + 1, j))
                expected += 1
                i, j = i + 1, j + 1
            else:
                assert isinstance(item, Group)
                rows.extend(self._group_rows(item, j, k, expected))
                expected += len(item.members) + 2
                i, j = i + 1, j + k
        return _removals_first(rows)

    def _group_rows(self, group: Group, start: int, count: int, expected: int) -> List[_Row]:
        _, owner = self.search.group_matching(group, start, count)
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
                rows.append(_Row("+", self.search.lines[index], expected + 1, index, True))
        rows.append(_Row(" ", GROUP_CLOSE, expected + 1, start + count, True))
        return rows


def _removals_first(rows: List[_Row]) -> List[_Row]:
    """Within each run of changes, pattern lines before output lines, as difflib shows a replaced block."""
    ordered: List[_Row] = []
    for (changed, _), run in itertools.groupby(rows, key=lambda row: (row.tag != " ", row.in_group)):
        ordered.extend(sorted(run, key=lambda row: row.tag != "-") if changed else run)
    return ordered


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
