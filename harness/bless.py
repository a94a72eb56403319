"""Bless: write observed behaviour into a case's expectations: one [expect] for the most common behaviour and
narrow [[expect.when]] tables for the others, keeping hand-written patterns that still match and the author's `holds`."""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import tomlkit
import tomlkit.items
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from harness import results as results_io
from harness.budget import JudgingTimeout
from harness.casefile import KEY_GROUPS, SELECTOR_KEYS, Block, Case, CaseError, Selector, find_blocks, parse_case
from harness.interpreters import select_interpreters
from harness.judge import decide
from harness.model import (
    AXIS_NAMES, CASE_METHODS, CellId, Interpreter, Layout, Result, Status, implementation_name, is_flag,
    split_platform_tag, version_numbers,
)
from harness.session import Session, signals_as_interrupt

DOUBT = "# bless: "  # a comment bless writes above a table it could not choose for certain (and rewrites)
BLESSABLE = (Status.PASS, Status.FAIL, Status.RECORDED, Status.CRASH, Status.LEAK)
# The axes of every cell, then the cells' variant axes: packages, flags.
AXES = ("start_method", "python", "implementation", "platform", "free_threaded", "optimized")
BUILD_AXES = ("free_threaded", "optimized")  # yes or no: a table names one, or leaves the axis open


class BlessError(Exception):
    """Bless cannot write a trustworthy expectation; the message says why."""


@dataclass(frozen=True)
class Written:
    """What bless writes for one cell: pattern text per key, and the author's verdict (holds, known_bug) and negative
    patterns for that cell."""

    stdout: str
    stderr: str
    exit: str
    exception: str
    leaks: bool
    holds: Optional[bool]
    known_bug: Optional[str] = None
    stdout_not: Tuple[str, ...] = ()
    stderr_not: Tuple[str, ...] = ()
    outcome: str = ""  # the author's [[...outcome]] tables, as JSON ("" for none): kept as the verdict is


def _escape_literal(text: str) -> str:
    """Observed text as a pattern that matches exactly it: lines that look like pattern syntax become regexes."""
    out = []
    for line in text.splitlines():
        if line in ("...", "[unordered]", "[/unordered]") or line.endswith(" (re)") or "[..]" in line:
            out.append(re.escape(line) + " (re)")
        else:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def _case_frame(name: str) -> "re.Pattern[str]":
    """A line naming a line of the case's own file, as normalized output shows it: a traceback frame
    (`File "<case>/x.py", line 24, in f`), a faulthandler frame (`File "<case>/x.py", line 24 in f`), or a warning
    (`<case>/x.py:24: UserWarning: ...`, which warnings and os.fork's DeprecationWarning print)."""
    file = re.escape(f"<case>/{name}")
    return re.compile(r'^(?:(?P<head>(?: *\| )?\s*File "' + file + r'", line )(?P<line>\d+)(?P<rest>(?:[, ].*)?)'
                      r'|(?P<whead>.*?(?<![\w/.-])' + file + r':)(?P<wline>\d+)(?P<wrest>:.*))$')


def _parts(found: "re.Match[str]") -> Tuple[str, int, str]:
    if found["head"] is not None:
        return found["head"], int(found["line"]), found["rest"]
    return found["whead"], int(found["wline"]), found["wrest"]


def _frames_anywhere(pattern: str, name: str) -> str:
    """The line numbers the case's own file is named with as `[..]`: bless moves the code below the block by the
    lines it writes (and an author's edit moves it again), so an expectation naming them would fail the run that
    follows."""
    frame = _case_frame(name)
    out = []
    for line in pattern.split("\n"):
        found = frame.match(line) if not line.endswith(" (re)") and "[..]" not in line else None
        if found:
            head, _, rest = _parts(found)
            line = f"{head}[..]{rest}"
        out.append(line)
    return "\n".join(out)


def shifted_frames(text: str, name: str, after: int, by: int) -> str:
    """Output as it would be with the case's code below line `after` moved by `by` lines."""
    frame = _case_frame(name)

    def move(line: str) -> str:
        found = frame.match(line)
        if found is None:
            return line
        head, number, rest = _parts(found)
        return line if number <= after else f"{head}{number + by}{rest}"

    return "\n".join(move(line) for line in text.split("\n"))


def shows_expected_outcome(expectation: Any, result: Result) -> bool:
    """Whether the cell shows what the expectation expects: each of its patterns matches, its exit is the one."""
    judged = result.judged
    for pattern, observed in ((expectation.stdout, judged.stdout), (expectation.stderr, judged.stderr),
                              (expectation.exception, judged.exception)):
        try:
            if pattern is not None and pattern.match(observed) is not None:
                return False
        except JudgingTimeout:
            return False
    return expectation.exit is None or expectation.exit == (result.exit or "0")


def written_for(case: Case, result: Result) -> Written:
    """Keep the existing pattern where it still matches this cell, else the observed (normalized) text."""
    existing, _ = case.expectation_for(result.cell)

    def keep(pattern: Any, observed: str, literal: str) -> str:
        try:
            if pattern is not None and pattern.match(observed) is None:
                return pattern.source
        except JudgingTimeout:  # a pattern too costly to judge is replaced by the observed text
            pass
        return literal

    judged = result.judged
    name = Path(case.path).name
    stdout = keep(existing.stdout if existing else None, judged.stdout, _frames_anywhere(_escape_literal(judged.stdout), name))
    stderr = keep(existing.stderr if existing else None, judged.stderr, _frames_anywhere(_escape_literal(judged.stderr), name))
    exception = keep(existing.exception if existing else None, judged.exception,
                     re.escape(judged.exception) + " (re)" if "[..]" in judged.exception else judged.exception)
    # the author's word on the claim is about the outcome the table expects: kept while the cell still shows it
    # (the cell passed), dropped when the outcome changed (blessed_text says so)
    holds = existing.holds if existing is not None and shows_expected_outcome(existing, result) else None
    known_bug = existing.known_bug if existing is not None else None
    alive = bool(result.observed.alive_leftovers)
    return Written(stdout, stderr, result.exit or "0", exception, alive, holds, known_bug,
                   _kept_negatives(existing.stdout_not if existing else None, judged.stdout),
                   _kept_negatives(existing.stderr_not if existing else None, judged.stderr),
                   _outcome_data(existing.outcome if existing is not None else None))


def _outcome_data(outcomes: Any) -> str:
    """The author's outcome tables as they are written (patterns as their source), for writing them back."""
    if not outcomes:
        return ""
    tables = []
    for outcome in outcomes:
        table: Dict[str, Any] = {}
        for key in ("stdout_has", "stderr_has"):
            if getattr(outcome, key) is not None:
                table[key] = getattr(outcome, key).source
        if outcome.holds is not None:
            table["holds"] = outcome.holds
        if outcome.known_bug:
            table["known_bug"] = outcome.known_bug
        tables.append(table)
    return json.dumps(tables)


def _kept_negatives(patterns: Any, observed: str) -> Tuple[str, ...]:
    """The author's negative pattern lines, kept while no observed line matches any of them (else bless drops them:
    the observed output is what it writes)."""
    try:
        if patterns and all(p.first_matching_line(observed) is None for p in patterns):
            return tuple(p.source for p in patterns)
    except JudgingTimeout:
        pass
    return ()


def _dotted(version: Tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def _python_runs(versions: Sequence[Tuple[int, ...]], chosen: set) -> List[str]:
    """Specifiers covering the chosen versions (minor versions, or releases where the layout tells them apart) as
    contiguous runs of the observed ones."""
    ordered = sorted(set(versions))
    runs: List[List[Tuple[int, ...]]] = []
    for index, version in enumerate(ordered):
        if version not in chosen:
            continue
        if index and ordered[index - 1] in chosen:
            runs[-1].append(version)  # the previous observed version was chosen too: the run goes on
        else:
            runs.append([version])
    specs = []
    for run in runs:
        low, high = run[0], run[-1]
        parts = []
        if low != ordered[0]:
            parts.append(f">={_dotted(low)}")
        if high != ordered[-1]:
            parts.append(f"<{_dotted(ordered[ordered.index(high) + 1])}")
        specs.append(",".join(parts) if parts else ">=0")
    return specs


def _axes(cells: Sequence[Result]) -> Tuple[str, ...]:
    """The axes bless may write selectors on: the fixed ones, then each variant axis of the cells (a varied
    package's version as `packages`, a flag as `flags`)."""
    return AXES + tuple(sorted({name for r in cells for name, _ in r.cell.variant}))


def _cell_axes(result: Result, layout: Layout) -> Dict[str, Any]:
    cell = result.cell
    axes: Dict[str, Any] = {"start_method": cell.start_method, "python": version_numbers(layout.version_text(cell)),
                            "implementation": cell.implementation, "platform": cell.platform_tag,
                            "free_threaded": cell.free_threaded, "optimized": "o" in cell.build}
    variant = dict(cell.variant)
    for axis in layout.axes:
        if axis.name not in AXIS_NAMES:
            value = variant.get(axis.name, "")
            axes[axis.name] = value if is_flag(axis.name) else _release(value)
    return axes


def _release(version: str) -> Tuple[Any, ...]:
    """A package version as bless compares it: its release numbers (2.1.3 -> (2, 1, 3)); one that is no version
    (the specifier of a cell that never ran) as itself."""
    try:
        return Version(version).release
    except InvalidVersion:
        return (version,)


def _platform_values(chosen: set, observed: set) -> List[str]:
    """The platforms a table names: a platform's tags (win32, win32-wine8.0) as the bare platform when every one of
    them that was observed is chosen: one expectation then serves Windows and Windows under Wine alike, as `win32`
    selects both."""
    out = set()
    for tag in chosen:
        platform = split_platform_tag(tag)[0]
        every = {t for t in observed if split_platform_tag(t)[0] == platform}
        out.add(platform if every <= chosen else tag)
    return sorted(out, key=lambda t: CellId.of_column(t, "0.0", "").sort_key())


def selectors_for(members: Sequence[Result], others: Sequence[Result],
                  doubts: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    """The fewest, narrowest selector tables matching every member cell and no cell of another behaviour: one box of
    axis values if one separates them, else the members split by one axis (CPython 3.7 and every PyPy: two
    tables), else one table per cell. A box must be supported by what was observed (see _supported): PyPy 3.9's own
    behaviour is not written as a range of Python versions that no CPython inside it showed. Where two boxes of
    other axes separate the cells as well, the observed cells cannot tell those axes apart: `doubts` gets a sentence
    saying so."""
    layout = Layout.of(list(members) + list(others))
    found = _boxes(members, others, layout)
    best = found[0] if found else None
    if doubts is not None and len(found) > 1:
        axes = [" and ".join(sorted({k for t in tables for k in t})) for tables in found]
        doubts.append(f"the observed cells cannot tell {' from '.join(dict.fromkeys(axes))} apart: written by "
                      f"{axes[0]}; observe a cell that tells them apart to be sure")
    elif doubts is not None and best is not None and len(best) == 1 and set(best[0]) == {"implementation"}:
        # the version box was not written (no cell of the other implementation inside it shows the behaviour), but
        # no cell tells the two apart either: every member is of a version no other cell is of
        versions = {_cell_axes(r, layout)["python"] for r in members}
        if not any(_cell_axes(r, layout)["python"] in versions for r in others):
            shown = ", ".join(sorted(".".join(map(str, v)) for v in versions))
            doubts.append(f"the observed cells cannot tell implementation from python apart: every "
                          f"{'/'.join(best[0]['implementation'])} cell observed is of {shown}, which no other cell "
                          "is: written by implementation; observe a cell that tells them apart to be sure")
    if best is not None and len(best) == 1:
        return best
    for axis in _axes(list(members) + list(others)):
        parts: Dict[Any, List[Result]] = {}
        for r in members:
            parts.setdefault(_cell_axes(r, layout)[axis], []).append(r)
        if len(parts) < 2:
            continue
        tables: List[Dict[str, Any]] = []
        for part in parts.values():
            boxed = _boxes(part, others, layout)
            if not boxed:
                break
            tables += [t for t in boxed[0] if t not in tables]
        else:
            if best is None or len(tables) < len(best):
                best = tables
    return best if best is not None else _one_per_cell(members, layout)


def _boxes(members: Sequence[Result], others: Sequence[Result], layout: Layout) -> List[List[Dict[str, Any]]]:
    """Tables for the smallest sets of axes whose member values hold no cell of `others` and that the observations
    support, fewest tables first, the earlier axes first among equals; [] when there is none."""
    all_cells = list(members) + list(others)
    names = _axes(all_cells)
    observed = {axis: {_cell_axes(r, layout)[axis] for r in all_cells} for axis in names}
    for size in range(1, len(names) + 1):
        found: List[List[Dict[str, Any]]] = []
        for axes in itertools.combinations(names, size):
            if any(len(observed[a]) < 2 for a in axes):
                continue
            values = {a: {_cell_axes(r, layout)[a] for r in members} for a in axes}

            def inside(r: Result) -> bool:
                cell = _cell_axes(r, layout)
                return all(cell[a] in values[a] for a in axes)

            if any(inside(r) for r in others):
                continue
            tables = []
            python_specs = _python_runs(list(observed["python"]), values["python"]) if "python" in axes else [None]
            packages = [a for a in axes if a not in AXES and not is_flag(a)]
            if any(() in observed[a] or any(len(v) == 1 and isinstance(v[0], str) for v in observed[a]) for a in packages):
                continue  # a cell where the package has no version (it never ran) cannot be placed in a range
            package_specs = [[(a, spec) for spec in _python_runs(list(observed[a]), values[a])] for a in packages]
            for spec, chosen in itertools.product(python_specs, itertools.product(*package_specs)):
                table: Dict[str, Any] = {}
                if "start_method" in axes:
                    table["start_method"] = sorted(values["start_method"], key=CASE_METHODS.index)
                if spec is not None:
                    table["python"] = spec
                if "implementation" in axes:
                    table["implementation"] = sorted(values["implementation"])
                if "platform" in axes:
                    table["platform"] = _platform_values(values["platform"], observed["platform"])
                for axis in BUILD_AXES:
                    if axis in axes and len(values[axis]) == 1:
                        table[axis] = next(iter(values[axis]))
                if chosen:
                    table["packages"] = dict(chosen)
                flags = {a: sorted(values[a]) for a in axes if a not in AXES and is_flag(a)}
                if flags:
                    table["flags"] = flags
                tables.append(table)
            if _supported(tables, members, observed, layout):
                found.append(tables)
        if found:
            return sorted(found, key=len)  # stable: the earlier axes first among as many tables
    return []


def _supported(tables: List[Dict[str, Any]], members: Sequence[Result], observed: Dict[str, set],
               layout: Layout) -> bool:
    """Whether what was observed supports the tables where they leave the implementation or the platform open: each
    implementation (and platform) of the run must have a member cell that the tables catch. A range of versions
    written for PyPy 3.9's behaviour, without `implementation`, would predict it for the CPythons in that range,
    and none of them showed it."""
    for axis in ("implementation", "platform"):
        if len(observed[axis]) < 2 or any(axis in table for table in tables):
            continue
        for value in observed[axis]:
            if not any(_cell_axes(r, layout)[axis] == value and any(_catches(t, r) for t in tables) for r in members):
                return False
    return True


def _one_per_cell(members: Sequence[Result], layout: Layout) -> List[Dict[str, Any]]:
    """Behaviours that no box of axis values separates (e.g. a checkerboard): one table per cell."""
    tables: List[Dict[str, Any]] = []
    for r in members:
        axes = _cell_axes(r, layout)
        version = _dotted(axes["python"])
        table = {"start_method": [axes["start_method"]],
                 "python": f"=={version}" if len(axes["python"]) > 2 else f"=={version}.*",
                 "implementation": [axes["implementation"]], "platform": [axes["platform"]]}
        table.update({axis: axes[axis] for axis in BUILD_AXES if axes[axis]})
        variant = dict(r.cell.variant)
        packages = {name: f"=={value}" for name, value in variant.items() if not is_flag(name) and _release(value) != (value,)}
        flags = {name: [value] for name, value in variant.items() if is_flag(name)}
        if packages:
            table["packages"] = packages
        if flags:
            table["flags"] = flags
        if table not in tables:
            tables.append(table)
    return tables


def _entries(written: Written, group: str) -> List[Tuple[str, Any]]:
    """The keys of one key group (casefile.KEY_GROUPS), written in full: a [[expect.when]] table that sets any key
    of a group replaces the whole group, so it must say every key of it that is checked."""
    entries: List[Tuple[str, Any]] = []
    if group == "outcome":
        entries.append(("exit", int(written.exit) if re.fullmatch(r"-?\d+", written.exit) else written.exit))
        if written.exception:
            entries.append(("exception", written.exception))
    elif group == "stdout":
        entries.append(("stdout", written.stdout))
        if written.stdout_not:
            entries.append(("stdout_not", list(written.stdout_not)))
    elif group == "stderr":
        entries.append(("stderr", written.stderr))
        if written.stderr_not:
            entries.append(("stderr_not", list(written.stderr_not)))
    elif group == "leaks":
        entries.append(("leaks", written.leaks))
    elif group == "verdict":
        if written.known_bug:
            entries.append(("known_bug", written.known_bug))
        if written.holds is not None or not written.known_bug:
            entries.append(("holds", True if written.holds is None else written.holds))
        if written.outcome:
            entries.append(("outcome", json.loads(written.outcome)))
    return entries


def _expectation_entries(written: Written, base: Optional[Written] = None) -> List[Tuple[str, Any]]:
    """[expect] (base None) says everything checked; a [[expect.when]] table each group that differs from base."""
    if base is None:
        entries = _entries(written, "outcome") + _entries(written, "stdout") + _entries(written, "stderr")
        if written.leaks:
            entries += _entries(written, "leaks")
        if written.holds is not None or written.known_bug or written.outcome:
            entries += _entries(written, "verdict")
        return entries
    entries = []
    for group, fields in KEY_GROUPS.items():
        if all(getattr(written, f) == getattr(base, f) for f in fields):
            continue
        if group == "outcome":
            entries += _entries(written, "outcome") + _entries(written, "stderr")
        else:
            entries += _entries(written, group)
    return entries


def _selector(table: Dict[str, Any]) -> Selector:
    values: Dict[str, Any] = {}
    for key, value in table.items():
        if key == "packages":
            value = tuple(sorted(value.items()))
        elif key == "flags":
            value = tuple(sorted((name, tuple(chosen)) for name, chosen in value.items()))
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return Selector(**values)


def _catches(table: Dict[str, Any], result: Result) -> bool:
    return _selector(table).matches(result.cell)


def _where(result: Result) -> str:
    """A cell as people name it: CPython 3.12.1 spawn (linux)."""
    cell = result.cell
    variant = f" {cell.variant_text()}" if cell.variant else ""
    return (f"{implementation_name(cell.implementation)} {cell.version}{cell.build}{variant} {cell.start_method} "
            f"({cell.platform_tag})")


def _fold_one_off_leaks(groups: Dict[Written, List[Result]], notes: List[str]) -> Dict[Written, List[Result]]:
    """A leak that only a table also catching cells that did not leak could expect is left out (said in notes):
    writing `leaks = true` there would make those cells fail, and a single leak is more likely timing than behaviour."""
    folded = dict(groups)
    for written, members in groups.items():
        calm = dataclasses.replace(written, leaks=False)
        if not written.leaks or calm not in folded:
            continue
        others = [r for w, rs in folded.items() if w != written for r in rs]
        tables = selectors_for(members, others)
        if any(_catches(t, r) for t in tables for r in folded[calm]):
            del folded[written]
            notes.extend(f"{_where(r)}: its leak is not blessed: a table expecting it would also catch cells that "
                         "did not leak (run the case again: a leak seen once is more likely timing than behaviour)"
                         for r in members)
    return folded


# -- writing the block back, with tomlkit: what the author wrote stays as written where it still says the same ------


def _value(value: Any) -> Any:
    """A value as a case block writes it: text of several lines as a multi-line string opening on its own line; a
    selector's table (`packages`, `flags`) inline, as its key's value."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    if isinstance(value, str) and "\n" in value:
        written = tomlkit.string(value, multiline=True).as_string()  # escaped as TOML needs, between """ and """
        kind = tomlkit.items.StringType.MLB if written.startswith('"""') else tomlkit.items.StringType.MLL
        # the line break right after the opening quotes is no part of the value (TOML), so it costs nothing to add
        return tomlkit.items.String(kind, value, "\n" + written[3:-3], tomlkit.items.Trivia())
    return value


def _identity(table: Any) -> str:
    """What makes two [[expect.when]] tables the same table for bless: their selectors."""
    return json.dumps({k: table[k] for k in SELECTOR_KEYS if k in table}, sort_keys=True, default=list)


Body = List[Tuple[Any, Any]]  # a table's body to write: (tomlkit Key, or a key's name, or None for a comment; item)


def _body(table: Any) -> List[Tuple[Any, Any]]:
    return table.value.body if isinstance(table, tomlkit.items.Table) else table.body


def _split_trailing(table: Any) -> Tuple[Body, List[Any]]:
    """A table's items (its nested arrays of tables aside), and the comments at its end: tomlkit keeps there what an
    author wrote above the next table's header."""
    items = [(k, v) for k, v in _body(table) if not isinstance(v, tomlkit.items.AoT)]
    trailing: List[Any] = []
    while items and items[-1][0] is None and isinstance(items[-1][1], (tomlkit.items.Comment, tomlkit.items.Whitespace)):
        trailing.insert(0, items.pop()[1])
    while items and items[0][0] is None and isinstance(items[0][1], tomlkit.items.Whitespace):
        items.pop(0)
    return items, [item for item in trailing if isinstance(item, tomlkit.items.Comment)]


def _layout(entries: List[Tuple[str, Any]], old: Any = None) -> Body:
    """The body of a table of `entries`, laid out as the author's old table was: its keys in the author's order (a key
    it did not have follows the entry before it), each item kept as written (a remark after a value included) where
    the value is the same, its comments among the keys kept."""
    wanted = dict(entries)
    layout: Body = []
    if old is not None:
        items, _ = _split_trailing(old)
        layout = [(key, item) for key, item in items if key is None or key.key in wanted]
    names = [key.key if isinstance(key, tomlkit.items.Key) else key for key, _ in layout]
    for position, (name, _) in enumerate(entries):
        if name in names:
            continue
        placed_before = [entry for entry, _ in entries[:position] if entry in names]
        at = names.index(placed_before[-1]) + 1 if placed_before else 0  # right after the entry before it
        layout.insert(at, (name, None))
        names.insert(at, name)
    out: Body = []
    for key, item in layout:
        name = key.key if isinstance(key, tomlkit.items.Key) else key
        if name is None:
            out.append((None, item))
        elif item is not None and _plain(item) == wanted[name]:
            out.append((key, item))
        else:
            out.append((name, _value(wanted[name])))
    return out


def _plain(item: Any) -> Any:
    """A tomlkit item's plain value; a value bless made itself (a list of outcome tables) is one already."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def _render(header: str, layout: Body, old: Any = None) -> List[str]:
    """A table as lines: its header, its keys and comments; an `outcome` array as its own `[[...outcome]]` tables
    (the author's, word for word, while they say the same)."""
    document = tomlkit.document()
    outcome = None
    for key, item in layout:
        if key is None:
            document.add(item)
        elif (key.key if isinstance(key, tomlkit.items.Key) else key) == "outcome":
            outcome = item
        else:
            document.add(key, item)
    lines = [header] + tomlkit.dumps(document).rstrip("\n").split("\n")
    if outcome is not None:
        old_outcome = old.get("outcome") if old is not None else None
        outcome_header = f"[[{header.strip('[]') or 'expect'}.outcome]]"  # [expect]'s header is given as ""
        if isinstance(old_outcome, tomlkit.items.AoT) and old_outcome.unwrap() == _plain(outcome):
            # the author's tables word for word; tomlkit writes a nested array of tables without its headers
            bodies = [table.as_string() for table in old_outcome.body]
        else:
            bodies = [tomlkit.dumps(table) for table in _plain(outcome)]
        for body in bodies:
            lines += ["", outcome_header] + body.strip("\n").split("\n")
    return [line for line in lines if line or len(lines) > 1]


def blessed_text(text: str, case: Case, results: Sequence[Result], notes: Optional[List[str]] = None,
                 unblessed: Optional[List[Result]] = None) -> str:
    """The case file's text with its expectations rewritten from the observed results, with tomlkit: everything
    outside [expect] stays as written; a table bless writes again keeps the author's key order, the remarks after
    unchanged values, its comments among the keys and those above it; the author's [[expect.when]] tables that match
    no observed cell (other OSes) are kept word for word with their comments, after the blessed ones; comments that
    were above a table bless no longer writes follow the blessed tables. What bless chose not to write is said in
    `notes`, and the cells it left out are added to `unblessed`."""
    notes = notes if notes is not None else []
    usable = [r for r in results if r.status in BLESSABLE]
    if not usable:
        raise BlessError(f"{case.path}: no cell can be blessed (statuses: {', '.join(sorted({r.status.label for r in results})) or 'none'})")
    block = case_block(text)
    document = tomlkit.parse(block.toml)
    old_expect = document.get("expect")
    old_expect = old_expect if isinstance(old_expect, tomlkit.items.Table) else None
    old_when = list(old_expect["when"]) if old_expect is not None and "when" in old_expect else []
    # The comments written above each old [[expect.when]] header: tomlkit keeps them at the end of what precedes it.
    above: Dict[int, List[Any]] = {}
    previous = old_expect
    for index, table in enumerate(old_when):
        above[index] = _split_trailing(previous)[1] if previous is not None else []
        previous = table
    remarks: List[Any] = _split_trailing(previous)[1] if previous is not None else []  # below the last table

    groups: Dict[Written, List[Result]] = {}
    dropped: List[Result] = []
    for result in usable:
        written = written_for(case, result)
        groups.setdefault(written, []).append(result)
        existing, _ = case.expectation_for(result.cell)
        if existing is not None and existing.holds is False and written.holds is None:  # written_for dropped it
            dropped.append(result)
    if dropped:
        notes.append(f"{_where(dropped[0])}{f' and {len(dropped) - 1} more cells' if len(dropped) > 1 else ''}: "
                     "the outcome changed since `holds = false` was written for it, so it is not carried over (the "
                     "new outcome is written as holding): set `holds = false` again if it refutes the claim")
    kept = _fold_one_off_leaks(groups, notes)
    if unblessed is not None:
        unblessed.extend(r for w, rs in groups.items() if w not in kept for r in rs)
    groups = kept
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), min(r.cell.sort_key() for r in item[1])))
    base_written, _ = ranked[0]
    by_identity = {_identity(t): i for i, t in enumerate(old_when)}
    observed_tables = {i for i, (selector, _) in enumerate(case.when) if any(selector.matches(r.cell) for r in usable)}

    lines = ["[expect]"] + _render("", _layout(_expectation_entries(base_written), old_expect), old_expect)[1:]
    used = set()
    for written, members in ranked[1:]:
        others = [r for w, rs in groups.items() if w != written for r in rs]
        doubts: List[str] = []
        for selector in selectors_for(members, others, doubts):
            entries = list(selector.items()) + _expectation_entries(written, base_written)
            index = by_identity.get(json.dumps(selector, sort_keys=True, default=list))
            old_table = old_when[index] if index is not None else None
            if index is not None:
                used.add(index)
            comments = [c.as_string().rstrip("\n") for c in above.get(index, [])] if index is not None else []
            comments = [c for c in comments if not c.startswith(DOUBT)] + [f"{DOUBT}{doubt}" for doubt in doubts]
            lines += [""] + comments + _render("[[expect.when]]", _layout(entries, old_table), old_table)
        notes.extend(f"{_where(members[0])}{f' and {len(members) - 1} more cells' if len(members) > 1 else ''}: {doubt}"
                      for doubt in doubts)
    for index in sorted(observed_tables - used):  # a table bless no longer writes: what was said above it stays
        remarks = above.get(index, []) + remarks
    remarks = [c for c in remarks if not c.as_string().startswith(DOUBT)]  # bless says its doubts anew each time
    if remarks:
        lines += [""] + [c.as_string().rstrip("\n") for c in remarks]
    for index, table in enumerate(old_when):
        if index in observed_tables or index in used:
            continue
        header = "[[expect.when]]" + (table.trivia.comment_ws + table.trivia.comment if table.trivia.comment else "")
        body = _split_trailing(table)[0]
        lines += [""] + [c.as_string().rstrip("\n") for c in above.get(index, [])] + _render(header, body, table)

    if "expect" in document:
        document.remove("expect")
    head = tomlkit.dumps(document).rstrip("\n").split("\n")
    new_lines = head + [""] + lines
    while new_lines and new_lines[-1].strip() == "":
        new_lines.pop()
    content = "".join(("# " + line if line else "#") + "\n" for line in new_lines)
    return text[: block.content_start] + content + text[block.content_end :]


def case_block(text: str) -> Block:
    return next(b for b in find_blocks(text) if b.type == "case")


def proposed_block(text: str) -> str:
    """The `# /// case` block of a case file's text, as bless would write it."""
    block = case_block(text)
    first = text.rfind("\n", 0, max(0, block.content_start - 1)) + 1
    end = text.find("\n", block.content_end)
    return text[first : end if end >= 0 else len(text)]


def check_blessed(new_text: str, path: str, results: Sequence[Result], old_text: Optional[str] = None) -> None:
    """The rewritten case must parse and must pass on every cell it was blessed from, and (given the old text) also
    once the lines bless added or removed have moved the case's code: the run that follows sees its frames there."""
    try:
        case = parse_case(new_text, path)
    except CaseError as exc:
        raise BlessError(f"the blessed text would not parse: {exc}") from None
    after, by = 0, 0
    if old_text is not None:
        old_block, new_block = case_block(old_text), case_block(new_text)
        after = old_block.first_line + len(old_block.lines) + 1
        by = len(new_block.lines) - len(old_block.lines)
    name = Path(path).name
    for r in results:
        if r.status not in BLESSABLE:
            continue
        expectation, _ = case.expectation_for(r.cell)
        for moved in ((False, True) if by else (False,)):
            stdout, stderr = r.judged.stdout, r.judged.stderr
            if moved:
                stdout, stderr = shifted_frames(stdout, name, after, by), shifted_frames(stderr, name, after, by)
            status, message, _ = decide(case, r.cell, r.observed, expectation, stdout, stderr, r.judged.exception)
            if status is not Status.PASS:
                when = f" once its code has moved {by:+d} lines (the next run)" if moved else ""
                raise BlessError(f"{path}: the blessed expectation would not pass on {_where(r)}{when}: {message}")


@dataclass(frozen=True)
class Blessing:
    """What bless makes of a case file and its observed cells: the new text (checked: it parses and passes on every
    cell it was blessed from), what it chose not to write, and the cells it could not bless."""

    path: str
    text: str  # the file as it is
    new_text: str
    notes: Tuple[str, ...]
    not_blessed: Dict[str, int]  # status -> count of the cells whose status cannot be blessed
    reasons: Dict[str, Tuple[str, ...]] = dataclasses.field(default_factory=dict)  # status -> their messages
    warnings: Tuple[str, ...] = ()  # what the new expectation says that is likely a mistake (an undeclared package)

    @property
    def changed(self) -> bool:
        return self.new_text != self.text

    def left_out(self) -> str:
        """`3 cells have nothing to bless: 2 skip (the case runs on linux only), 1 timeout (...)`, or ""."""
        if not self.not_blessed:
            return ""
        total = sum(self.not_blessed.values())
        parts = []
        for status, count in self.not_blessed.items():
            said = self.reasons.get(status, ())
            why = "; ".join(said[:2]) + (f"; and {len(said) - 2} more" if len(said) > 2 else "")
            parts.append(f"{count} {status}" + (f" ({why})" if why else ""))
        verb = "has" if total == 1 else "have"
        return f"{total} {'cell' if total == 1 else 'cells'} {verb} nothing to bless: {', '.join(parts)}"

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.text.splitlines(True), self.new_text.splitlines(True), self.path,
                                            self.path + " (blessed)"))


def bless(case: Case, text: str, results: Sequence[Result]) -> Blessing:
    """Bless one case file from its results; raises BlessError (with the block it proposed, when it was made but
    would not pass) when no trustworthy expectation can be written."""
    notes: List[str] = []
    unblessed: List[Result] = []
    if results and all(r.status is Status.PASS for r in results):
        # every observed cell already behaves as the case expects: nothing to learn, and tables rebuilt from these
        # cells alone would drop what other cells (interpreters not asked this time) showed before
        return Blessing(case.path, text, text, (), {})
    new_text = blessed_text(text, case, results, notes, unblessed)
    try:
        check_blessed(new_text, case.path, [r for r in results if r not in unblessed], text)
    except BlessError as exc:  # show what it would have written, so the author can finish it by hand
        raise BlessError(f"{exc}\nnot written; the block bless proposed:\n{proposed_block(new_text)}") from None
    left = [r for r in results if r.status not in BLESSABLE]
    not_blessed = Counter(r.status.label for r in left)
    reasons: Dict[str, Tuple[str, ...]] = {}
    for r in left:
        said = reasons.get(r.status.label, ())
        if r.judged.message and r.judged.message not in said:
            reasons[r.status.label] = said + (r.judged.message.splitlines()[0],)
    blessed = [r for r in results if r.status in BLESSABLE and r not in unblessed]
    return Blessing(case.path, text, new_text, tuple(notes), dict(not_blessed), reasons,
                    tuple(missing_modules(case, blessed)))


class Observations:
    """Where bless takes each case's observed cells from: the results files (read and merged once), or else a run of
    the case here, with the interpreters chosen once for every case (`report` hears about those found unusable)."""

    def __init__(self, results_files: Sequence[str], pythons: Optional[Sequence[str]], start_methods: Optional[Sequence[str]],
                 jobs: Optional[int], all_releases: Optional[bool], report: Callable[[str], None]) -> None:
        self.merged = results_io.merge(results_io.load_runs(list(results_files))) if results_files else None
        self.pythons, self.start_methods, self.jobs = pythons, start_methods, jobs
        self.all_releases, self.report = all_releases, report
        self.interpreters: Optional[List[Interpreter]] = None

    def of(self, case: Case) -> List[Result]:
        """The case's cells; raises BlessError when the results files hold none of them (they were of other cases,
        or a later run wrote over them)."""
        if self.merged is not None:
            cells = [r for r in self.merged.results if r.case.name == case.name]
            if not cells:
                names = sorted({r.case.name for r in self.merged.results})
                held = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
                raise BlessError(f"{case.path}: the results files ({', '.join(self.merged.sources)}) hold no cell of "
                                 f"case {case.name!r} (they hold {held or 'no cells'}); run it first (mpmatrix run "
                                 f"{case.path}), or name the results of a run that ran it")
            stale = [r for r in cells if r.case.digest and case.digest and r.case.digest != case.digest]
            if stale:  # what it printed then says nothing of the script as it is now
                raise BlessError(f"{case.path}: changed since the results files ({', '.join(self.merged.sources)}) "
                                 f"observed it ({len(stale)} of its {len(cells)} cells ran another version of it); "
                                 f"run it again (mpmatrix run {case.path}, then bless with those results), or bless "
                                 "without --results, which runs it")
            return cells
        if self.interpreters is None:
            self.interpreters = select_interpreters(self.pythons, self.report, self.all_releases)
        session = Session.assemble([case], [], self.interpreters, self.start_methods, jobs=self.jobs,
                                   report=lambda line: self.report(f"mpmatrix: {line}"))
        with signals_as_interrupt():
            cells, _ = session.run()
        return cells


_MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '(?P<name>[^'.]+)")


def missing_modules(case: Case, results: Sequence[Result]) -> List[str]:
    """A sentence per module that the blessed cells failed to import and that the case does not declare: blessing
    that would make "the package is not installed here" the expected behaviour. A stdlib module missing from some
    Pythons (tomllib before 3.11) is behaviour, and is not named."""
    declared = {canonicalize_name(Requirement(d).name) for d in case.dependencies}
    stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    found: Dict[str, List[Result]] = {}
    for r in results:
        for text in (r.judged.exception, r.judged.stderr, r.judged.stdout):
            for match in _MISSING_MODULE.finditer(text):
                name = match["name"]
                if name not in stdlib and canonicalize_name(name) not in declared:
                    found.setdefault(name, [])
                    if r not in found[name]:
                        found[name].append(r)
    return [f"the expectation records `ModuleNotFoundError: No module named {name!r}` ({_where(cells[0])}"
            f"{f' and {len(cells) - 1} more cells' if len(cells) > 1 else ''}), a package the case does not "
            f"declare: add it to the `dependencies` of a `# /// script` block (docs/case-format.md, \"Dependencies\") "
            "rather than bless its absence" for name, cells in sorted(found.items())]
