"""Match normalized output against a case's expected-output pattern: the Pattern a case file's key compiles to,
which decides (harness.search) and explains a mismatch (harness.diff), bounded by the cell's Budget.

Judging is bounded whatever the output: a line with `[..]` is matched by searching its literal parts in order
(linear in the line), `...` by placing the fixed-length runs between them leftmost, ` (re)` lines by the `regex`
package under a deadline, and the mismatch diff by an alignment over a bounded number of pairs. Running out of the
budget raises JudgingTimeout naming the pattern line, an interruption JudgingStopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from harness.budget import JUDGE_BUDGET_S, Budget, JudgingStopped, JudgingTimeout
from harness.diff import Mismatch, explain
from harness.patterns import Group, Item, Line, Normalizer, PatternError, parse_items, parse_line
from harness.search import Search

__all__ = ["JUDGE_BUDGET_S", "Budget", "JudgingStopped", "JudgingTimeout", "Mismatch", "Origin", "Pattern",
           "PatternError", "compile_line", "compile_pattern"]


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
    _items: Tuple[Item, ...] = field(repr=False)
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
        search = Search(self._items, self._lines(text), budget or Budget())
        try:
            starts = search.placements()
        except JudgingTimeout as exc:
            raise JudgingTimeout(exc.message, exc.line, exc.value, self.origin.where(exc.line)) from None
        if starts is None:
            return text, explain(search)
        return self._sorted_groups(text, search.lines, starts), None

    def first_matching_line(self, text: str, budget: Optional[Budget] = None) -> Optional[Tuple[int, str]]:
        """For a single-line pattern: the first line of text it matches (1-based number and line), or None."""
        budget = budget or Budget()
        (matcher,) = self._items
        assert isinstance(matcher, Line)
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
        if not any(isinstance(item, Group) for item in self._items):
            return text
        return self.check(text, budget)[0]

    def _sorted_groups(self, text: str, lines: List[str], starts: List[int]) -> str:
        if not any(isinstance(item, Group) for item in self._items):
            return text
        out = list(lines)
        for item, start in zip(self._items, starts):
            if isinstance(item, Group):
                out[start : start + len(item.members)] = sorted(lines[start : start + len(item.members)])
        return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def compile_pattern(text: str, normalize: Optional[Normalizer] = None) -> Pattern:
    """Compile a multi-line pattern; with `normalize`, reject literal text that normalized output can never contain."""
    return Pattern(text, parse_items(text, normalize))


def compile_line(line: str, normalize: Optional[Normalizer] = None) -> Pattern:
    """Compile a single-line pattern (no `...`, no groups), such as the expected exception line."""
    return Pattern(line, (parse_line(line, normalize),), _single_line=True)
