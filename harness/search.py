"""Deciding whether output matches a pattern's items: runs of fixed-length lines placed leftmost between `...`
lines (each output line looked at a bounded number of times for literal lines), `[unordered]` groups by maximum
bipartite matching, every step under the cell's Budget."""

from __future__ import annotations

from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from harness.budget import Budget, JudgingTimeout
from harness.patterns import ANY_LINES, GROUP_OPEN, AnyLines, Group, Item, Line, lineno_of, width


class Search:
    """One pattern's items against one output's lines: whether they match, and where the search gave up."""

    def __init__(self, items: Sequence[Item], lines: Sequence[str], budget: Budget) -> None:
        self.items = items
        self.lines = lines
        self.budget = budget
        # Where the search for a match gave up, for the diff to look at when it cannot align everything: (item,
        # line, missing), missing when the run of items from `item` (a `...`) is nowhere in lines from `line` on.
        self.failure: Tuple[int, int, bool] = (0, 0, False)
        self._line_matches: Dict[Tuple[int, int], bool] = {}
        self._candidates: Dict[Tuple[int, int], List[int]] = {}

    # -- deciding ---------------------------------------------------------------------------------------------

    def line_matches(self, matcher: Line, index: int) -> bool:
        key = (id(matcher), index)
        known = self._line_matches.get(key)
        if known is None:
            if self.budget.tick():
                self.out_of_time(matcher)
            known = self._line_matches[key] = matcher.matches(self.lines[index], self.budget)
        return known

    def _test(self, matcher: Line, index: int, run: Item) -> bool:
        """line_matches without the memo (the search looks at most lines once: a memo would only cost memory).
        Out of time, it blames the first line of the run of lines being placed."""
        if self.budget.tick():
            self.out_of_time(run)
        return matcher.matches(self.lines[index], self.budget)

    def out_of_time(self, item: Item) -> None:
        source = item.source if isinstance(item, Line) else GROUP_OPEN if isinstance(item, Group) else ANY_LINES
        raise JudgingTimeout(
            f"matching took more than {self.budget.seconds:g} s of CPU time against {len(self.lines):,} "
            f"output lines (placing the lines from {source!r} on)",
            lineno_of(item), source,
        )

    def candidates(self, group: Group, index: int) -> List[int]:
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
            while i < n and isinstance(items[i], AnyLines):
                starts[i], floating, i = position, True, i + 1
            if i == n:  # a trailing `...` takes whatever is left
                return starts
            end, length = i, 0
            while end < n and not isinstance(items[end], AnyLines):
                length += width(items[end])
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
                at += width(items[k])
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
            if isinstance(item, Group):
                size = len(item.members)
                if at + size > lines or self.group_matching(item, at, size, perfect_only=True)[0][-1] != size:
                    return k, at
                at += size
            else:
                assert isinstance(item, Line)
                if at >= lines or not self._test(item, at, self.items[first]):
                    return k, at
                at += 1
        return None

    def _anchored_failure(self, first: int, end: int, at: int) -> Tuple[int, int, bool]:
        found = self._mismatch_at(first, end, at)
        if found is None:
            return end, at + sum(width(x) for x in self.items[first:end]), False
        return found[0], found[1], False

    def _leftmost(self, first: int, end: int, start: int, length: int) -> Optional[int]:
        """The first line from `start` where items[first:end] (length lines) match, or None."""
        last = len(self.lines) - length
        head = self.items[first]
        literal = isinstance(head, Line) and head.literal
        at = start
        while at <= last:
            if literal:  # list.index scans in C: a literal first line skips every other line quickly
                assert isinstance(head, Line)
                try:
                    at = self.lines.index(head.source, at, last + 1)  # type: ignore[attr-defined]
                except ValueError:
                    return None
            if self.budget.tick():
                self.out_of_time(head)
            if self._mismatch_at(first, end, at) is None:
                return at
            at += 1
        return None

    def group_matching(
        self, group: Group, start: int, count: int, perfect_only: bool = False
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
