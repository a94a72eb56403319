"""Bless: write observed behaviour into a case's expectations: one [expect] for the most common behaviour and
narrow [[expect.when]] tables for the others, keeping hand-written patterns that still match and the author's `holds`."""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from harness.budget import JudgingTimeout
from harness.casefile import BLOCK_RE, KEY_GROUPS, Case, CaseError, Selector, parse_case
from harness.judge import decide
from harness.model import CASE_METHODS, Layout, Result, Status, implementation_name, version_numbers

BLESSABLE = (Status.PASS, Status.FAIL, Status.RECORDED, Status.CRASH, Status.LEAK)
AXES = ("start_method", "python", "implementation", "platform")


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


def _escape_literal(text: str) -> str:
    """Observed text as a pattern that matches exactly it: lines that look like pattern syntax become regexes."""
    out = []
    for line in text.splitlines():
        if line in ("...", "[unordered]", "[/unordered]") or line.endswith(" (re)") or "[..]" in line:
            out.append(re.escape(line) + " (re)")
        else:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


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
    stdout = keep(existing.stdout if existing else None, judged.stdout, _escape_literal(judged.stdout))
    stderr = keep(existing.stderr if existing else None, judged.stderr, _escape_literal(judged.stderr))
    exception = keep(existing.exception if existing else None, judged.exception,
                     re.escape(judged.exception) + " (re)" if "[..]" in judged.exception else judged.exception)
    holds = existing.holds if existing is not None else None
    known_bug = existing.known_bug if existing is not None else None
    alive = bool(result.observed.alive_leftovers)
    return Written(stdout, stderr, result.exit or "0", exception, alive, holds, known_bug,
                   _kept_negatives(existing.stdout_not if existing else None, judged.stdout),
                   _kept_negatives(existing.stderr_not if existing else None, judged.stderr))


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


def _cell_axes(result: Result, layout: Layout) -> Dict[str, Any]:
    cell = result.cell
    return {"start_method": cell.start_method, "python": version_numbers(layout.version_text(cell)),
            "implementation": cell.implementation, "platform": cell.platform}


def selectors_for(members: Sequence[Result], others: Sequence[Result]) -> List[Dict[str, Any]]:
    """The fewest, narrowest selector tables matching every member cell and no cell of another behaviour: one box of
    axis values if one separates them, else the members split by one axis (CPython 3.7 and every PyPy: two
    tables), else one table per cell."""
    layout = Layout.of(list(members) + list(others))
    best = _box(members, others, layout)
    if best is not None and len(best) == 1:
        return best
    for axis in AXES:
        parts: Dict[Any, List[Result]] = {}
        for r in members:
            parts.setdefault(_cell_axes(r, layout)[axis], []).append(r)
        if len(parts) < 2:
            continue
        tables: List[Dict[str, Any]] = []
        for part in parts.values():
            boxed = _box(part, others, layout)
            if boxed is None:
                break
            tables += [t for t in boxed if t not in tables]
        else:
            if best is None or len(tables) < len(best):
                best = tables
    return best if best is not None else _one_per_cell(members, layout)


def _box(members: Sequence[Result], others: Sequence[Result], layout: Layout) -> Optional[List[Dict[str, Any]]]:
    """Tables for the smallest set of axes whose member values hold no cell of `others`, or None."""
    all_cells = list(members) + list(others)
    observed = {axis: {_cell_axes(r, layout)[axis] for r in all_cells} for axis in AXES}
    best: Optional[List[Dict[str, Any]]] = None
    for size in range(1, len(AXES) + 1):
        for axes in itertools.combinations(AXES, size):
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
            for spec in python_specs:
                table: Dict[str, Any] = {}
                if "start_method" in axes:
                    table["start_method"] = sorted(values["start_method"], key=CASE_METHODS.index)
                if spec is not None:
                    table["python"] = spec
                if "implementation" in axes:
                    table["implementation"] = sorted(values["implementation"])
                if "platform" in axes:
                    table["platform"] = sorted(values["platform"])
                tables.append(table)
            if best is None or len(tables) < len(best):
                best = tables
        if best is not None:
            return best
    return None


def _one_per_cell(members: Sequence[Result], layout: Layout) -> List[Dict[str, Any]]:
    """Behaviours that no box of axis values separates (e.g. a checkerboard): one table per cell."""
    tables: List[Dict[str, Any]] = []
    for r in members:
        axes = _cell_axes(r, layout)
        version = _dotted(axes["python"])
        table = {"start_method": [axes["start_method"]],
                 "python": f"=={version}" if len(axes["python"]) > 2 else f"=={version}.*",
                 "implementation": [axes["implementation"]], "platform": [axes["platform"]]}
        if table not in tables:
            tables.append(table)
    return tables


def _toml_string(text: str) -> str:
    """Basic strings where nothing needs escaping (as people write them), literal strings for backslashes."""
    controls = re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    if text == "":
        return '""'
    if "\n" in text:
        if not controls and "\\" not in text and '"""' not in text and not text.endswith('"'):
            return '"""\n' + text + '"""'
        if not controls and "\'\'\'" not in text and not text.endswith("'"):
            return "\'\'\'\n" + text + "\'\'\'"
        escaped = re.sub(r'["\\\x00-\x08\x0b-\x1f\x7f]', lambda m: "\\u%04x" % ord(m.group()), text)
        return '"""\n' + escaped + '"""'
    if not controls and "\\" not in text and '"' not in text:
        return '"' + text + '"'
    if not controls and "'" not in text:
        return "'" + text + "'"
    return '"' + re.sub(r'["\\\x00-\x1f\x7f]', lambda m: "\\u%04x" % ord(m.group()), text) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def _group_lines(written: Written, group: str) -> List[str]:
    """The lines of one key group (casefile.KEY_GROUPS), written in full: a [[expect.when]] table that sets any key
    of a group replaces the whole group, so it must say every key of it that is checked."""
    lines = []
    if group == "outcome":
        exit_value: Any = int(written.exit) if re.fullmatch(r"-?\d+", written.exit) else written.exit
        lines.append(f"exit = {_toml_value(exit_value)}")
        if written.exception:
            lines.append(f"exception = {_toml_value(written.exception)}")
    elif group == "stdout":
        lines.append(f"stdout = {_toml_value(written.stdout)}")
        if written.stdout_not:
            lines.append(f"stdout_not = {_toml_value(list(written.stdout_not))}")
    elif group == "stderr":
        lines.append(f"stderr = {_toml_value(written.stderr)}")
        if written.stderr_not:
            lines.append(f"stderr_not = {_toml_value(list(written.stderr_not))}")
    elif group == "leaks":
        lines.append(f"leaks = {_toml_value(written.leaks)}")
    elif group == "verdict":
        if written.known_bug:
            lines.append(f"known_bug = {_toml_value(written.known_bug)}")
        if written.holds is not None or not written.known_bug:
            lines.append(f"holds = {_toml_value(True if written.holds is None else written.holds)}")
    return lines



def _expectation_lines(written: Written, base: Optional[Written] = None) -> List[str]:
    """[expect] (base None) says everything checked; a [[expect.when]] table each group that differs from base."""
    if base is None:
        lines = _group_lines(written, "outcome") + _group_lines(written, "stdout") + _group_lines(written, "stderr")
        if written.leaks:
            lines += _group_lines(written, "leaks")
        if written.holds is not None or written.known_bug:
            lines += _group_lines(written, "verdict")
        return lines
    lines = []
    for group, fields in KEY_GROUPS.items():
        if all(getattr(written, f) == getattr(base, f) for f in fields):
            continue
        if group == "outcome":
            lines += _group_lines(written, "outcome") + _group_lines(written, "stderr")
        else:
            lines += _group_lines(written, group)
    return lines


def _unobserved_tables(case: Case, block_lines: List[str], results: Sequence[Result]) -> List[str]:
    """Hand-written [[expect.when]] tables that match no observed cell (other OSes): kept word for word."""
    header = re.compile(r"^\s*\[\[expect\.when\]\]")
    starts = [i for i, line in enumerate(block_lines) if header.match(line)]
    any_header = re.compile(r"^\s*\[")
    kept: List[str] = []
    for index, (selector, _) in enumerate(case.when):
        if any(selector.matches(r.cell) for r in results):
            continue
        if index >= len(starts):
            continue
        start = starts[index]
        end = next((j for j in range(start + 1, len(block_lines)) if any_header.match(block_lines[j])), len(block_lines))
        # comments directly above the table belong to it
        while start > 0 and block_lines[start - 1].startswith("#"):
            start -= 1
        kept.extend(block_lines[start:end])
    return kept


def _selector(table: Dict[str, Any]) -> Selector:
    return Selector(**{k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})


def _catches(table: Dict[str, Any], result: Result) -> bool:
    return _selector(table).matches(result.cell)


def _where(result: Result) -> str:
    """A cell as people name it: CPython 3.12.1 spawn (linux)."""
    cell = result.cell
    return f"{implementation_name(cell.implementation)} {cell.version}{cell.build} {cell.start_method} ({cell.platform_tag})"


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


def _key_orders(case: Case, block_lines: List[str]) -> Dict[str, Dict[str, str]]:
    """Each existing table's keys in the author's order with the line each is on, by table identity (`[expect]` or
    its selector), so that a re-bless leaves a `holds` line (or any other) where the author put it, as written."""
    from harness.casefile import EXPECT_KEYS, SELECTOR_KEYS, _BlockReader

    reader = _BlockReader(case.path, block_lines, 0)
    orders: Dict[str, Dict[str, str]] = {}
    tables = [("[expect]", 0, "[expect]")] + [
        (json.dumps(selector.to_toml(), sort_keys=True), index, "[[expect.when]]")
        for index, (selector, _) in enumerate(case.when)]
    for identity, occurrence, name in tables:
        start, end = reader._span(name, occurrence)
        lines: Dict[str, int] = {}
        for key in EXPECT_KEYS + SELECTOR_KEYS:
            found = reader.line(key, name, occurrence) - 1
            if start < found < end and re.match(r"^\s*" + key + r"\s*=", block_lines[found]):
                lines[key] = found
        orders.setdefault(identity, {key: block_lines[lines[key]] for key in sorted(lines, key=lines.__getitem__)})
    return orders


def _same_value(line: str, entry: str) -> bool:
    """Whether an author's one-line `key = value  # remark` says what the entry says."""
    from harness.casefile import tomllib

    try:
        return tomllib.loads(line) == tomllib.loads(entry)
    except tomllib.TOMLDecodeError:  # the start of a multi-line value: not kept as written
        return False


def _in_order(entries: List[str], written: Optional[Dict[str, str]]) -> List[str]:
    """`key = value` entries in the author's key order, as the author wrote them (a trailing remark included) where
    the value is the same; a key the author did not write follows the one before it."""
    if not written:
        return entries
    order = list(written)
    ranked, last = [], -1.0
    for index, entry in enumerate(entries):
        key = entry.split("=", 1)[0].strip()
        if key in order:
            last = float(order.index(key))
            ranked.append((last, index, written[key] if _same_value(written[key], entry) else entry))
        else:
            ranked.append((last + 0.5, index, entry))
    return [entry for _, _, entry in sorted(ranked)]


def blessed_text(text: str, case: Case, results: Sequence[Result], notes: Optional[List[str]] = None,
                 unblessed: Optional[List[Result]] = None) -> str:
    """The case file's text with its expectations rewritten from the observed results. What bless chose not to
    write is said in `notes`, and the cells it left out are added to `unblessed`."""
    notes = notes if notes is not None else []
    usable = [r for r in results if r.status in BLESSABLE]
    if not usable:
        raise BlessError(f"{case.path}: no cell can be blessed (statuses: {', '.join(sorted({r.status.label for r in results})) or 'none'})")
    match = next(m for m in BLOCK_RE.finditer(text) if m.group("type") == "case")
    raw_lines = match.group("content").splitlines()
    block_lines = [line[2:] if line.startswith("# ") else line[1:] for line in raw_lines]
    first_expect = next((i for i, line in enumerate(block_lines) if re.match(r"^\s*\[(\[)?expect", line)), len(block_lines))
    head = block_lines[:first_expect]
    while head and head[-1].strip() == "":
        head.pop()
    orders = _key_orders(case, block_lines)

    groups: Dict[Written, List[Result]] = {}
    for result in usable:
        groups.setdefault(written_for(case, result), []).append(result)
    kept = _fold_one_off_leaks(groups, notes)
    if unblessed is not None:
        unblessed.extend(r for w, rs in groups.items() if w not in kept for r in rs)
    groups = kept
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), min(r.cell.sort_key() for r in item[1])))
    base_written, _ = ranked[0]
    body: List[str] = ["", "[expect]"] + _in_order(_expectation_lines(base_written), orders.get("[expect]"))
    for written, members in ranked[1:]:
        others = [r for w, rs in groups.items() if w != written for r in rs]
        for table in selectors_for(members, others):
            entries = [f"{k} = {_toml_value(v)}" for k, v in table.items()] + _expectation_lines(written, base_written)
            body += ["", "[[expect.when]]"] + _in_order(entries, orders.get(json.dumps(table, sort_keys=True)))
    unobserved = _unobserved_tables(case, block_lines, usable)
    remarks = [line for line in block_lines[first_expect:] if line.startswith("#") and line not in unobserved]
    if remarks:  # the author's remarks among the old tables are kept, after the blessed ones
        body += [""] + remarks
    if unobserved:
        body += [""] + unobserved
    new_lines = "\n".join(head + body).split("\n")  # multi-line values become several comment lines
    while new_lines and new_lines[-1].strip() == "":
        new_lines.pop()
    content = "".join(("# " + line if line else "#") + "\n" for line in new_lines)
    return text[: match.start("content")] + content + text[match.end("content") :]


def proposed_block(text: str) -> str:
    """The `# /// case` block of a case file's text, as bless would write it."""
    match = next(m for m in BLOCK_RE.finditer(text) if m.group("type") == "case")
    return match.group(0)


def check_blessed(new_text: str, path: str, results: Sequence[Result]) -> None:
    """The rewritten case must parse and must pass on every cell it was blessed from."""
    try:
        case = parse_case(new_text, path)
    except CaseError as exc:
        raise BlessError(f"the blessed text would not parse: {exc}") from None
    for r in results:
        if r.status not in BLESSABLE:
            continue
        expectation, _ = case.expectation_for(r.cell)
        status, message, _ = decide(case, r.cell, r.observed, expectation, r.judged.stdout, r.judged.stderr,
                                    r.judged.exception)
        if status is not Status.PASS:
            raise BlessError(f"{path}: the blessed expectation would not pass on {_where(r)}: {message}")


@dataclass(frozen=True)
class Blessing:
    """What bless makes of a case file and its observed cells: the new text (checked: it parses and passes on every
    cell it was blessed from), what it chose not to write, and the cells it could not bless."""

    path: str
    text: str  # the file as it is
    new_text: str
    notes: Tuple[str, ...]
    not_blessed: Dict[str, int]  # status -> count of the cells whose status cannot be blessed

    @property
    def changed(self) -> bool:
        return self.new_text != self.text

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.text.splitlines(True), self.new_text.splitlines(True), self.path,
                                            self.path + " (blessed)"))


def bless(case: Case, text: str, results: Sequence[Result]) -> Blessing:
    """Bless one case file from its results; raises BlessError (with the block it proposed, when it was made but
    would not pass) when no trustworthy expectation can be written."""
    notes: List[str] = []
    unblessed: List[Result] = []
    new_text = blessed_text(text, case, results, notes, unblessed)
    try:
        check_blessed(new_text, case.path, [r for r in results if r not in unblessed])
    except BlessError as exc:  # show what it would have written, so the author can finish it by hand
        raise BlessError(f"{exc}\nnot written; the block bless proposed:\n{proposed_block(new_text)}") from None
    not_blessed = Counter(r.status.label for r in results if r.status not in BLESSABLE)
    return Blessing(case.path, text, new_text, tuple(notes), dict(not_blessed))
