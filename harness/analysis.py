"""Where behaviour differs: each case's cells grouped into behaviour classes, the difference put down to the fewest axes
(harness.model's AXES, and the run's variant axes), named as the run's Layout names them."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence, Tuple

from harness.model import AXIS_NAMES, Axis, CellId, Layout, Result, Run, Status, is_flag, number, verdict_phrase

# A cell's place on every axis of a layout, in the order of its axes: start method, python, platform,
# implementation, then any variant axes.
Coordinates = Tuple[str, ...]

# Cells that say nothing about how the case behaves: not run there, or not one behaviour. Flaky cells saw several
# behaviours, so putting a difference down to an axis because of one of them would be a guess.
# Cells that show no behaviour of the case: it did not run there (unsupported, skip), the harness could not run or
# judge it (error: a case file that cannot be used, an interpreter that failed to start), or it varied (flaky).
NOT_ATTRIBUTED = frozenset({Status.UNSUPPORTED, Status.SKIP, Status.FLAKY, Status.ERROR})


@dataclass(frozen=True)
class BehaviourClass:
    """Cells of one case that behaved alike: the same normalized observation and the same verdict on the claim."""

    signature: Tuple[Any, ...]
    cells: Tuple[CellId, ...]
    representative: Result


@dataclass(frozen=True)
class CaseAnalysis:
    """One case: its behaviour classes and the fewest axes whose values decide which class a cell falls in."""

    case: str
    ids: Tuple[str, ...]
    classes: Tuple[BehaviourClass, ...]
    differs_by: Tuple[str, ...]  # sorted; empty when every attributed cell behaved alike
    boundary: Optional[str]  # "3.12" when the behaviour changed in that version (the same in every group)
    boundaries: Dict[str, Optional[str]] = field(default_factory=dict)  # group label -> version; None: no single change
    changes: Dict[str, str] = field(default_factory=dict)  # group label -> how it changed: "in 3.12", "between ..."
    claim: str = ""
    excluded: Tuple[Result, ...] = ()  # unsupported, skipped and flaky cells: shown, never used to attribute
    source: str = ""  # the case's `source`: where the claim is made
    layout: Layout = field(default_factory=lambda: Layout(()), compare=False)

    @property
    def differs(self) -> bool:
        return len(self.classes) > 1


def behaviour_signature(result: Result) -> Tuple[Any, ...]:
    return tuple(result.signature()) + (result.judged.holds, result.judged.known_bug)


def minimal_axes(values: Mapping[Coordinates, Hashable], layout: Layout) -> Tuple[str, ...]:
    """The smallest set of axes that determines the value of every observed cell.

    The python axis is the language version, whatever the implementation: PyPy 3.11 is Python 3.11 there, so a
    change that PyPy follows at the same version is put down to `python`, and one only PyPy shows to
    `implementation`. When several sets of the same size explain the cells, one whose python values change behaviour
    back and forth (PyPy 3.9 and 3.11 differ, no CPython of those versions was seen) loses to one that needs no such
    story; remaining ties go to the earlier axes."""
    if len(set(values.values())) <= 1:
        return ()
    names = [axis.name for axis in layout.axes]
    for size in range(1, len(names) + 1):
        found = [axes for axes in itertools.combinations(names, size) if _determines(values, axes, names)]
        if found:
            best = min(found, key=lambda axes: _erratic_in_python(values, axes, layout))
            if _erratic_in_python(values, best, layout) and size < len(names):
                # A behaviour that comes and goes along the versions is no story when one more axis tells it
                # plainly (PyPy 3.9 alone differs among CPython 3.8, 3.12 and PyPy 3.11: the implementation too).
                steady = [axes for axes in itertools.combinations(names, size + 1)
                          if _determines(values, axes, names) and not _erratic_in_python(values, axes, layout)]
                if steady:
                    best = steady[0]
            return tuple(sorted(best))
    # Only reachable when the same coordinates carry different values, which a merged run never has.
    return tuple(sorted(names))


def _erratic_in_python(values: Mapping[Coordinates, Hashable], axes: Sequence[str], layout: Layout) -> bool:
    """Whether explaining by these axes needs a behaviour that changes more than once along the versions."""
    if "python" not in axes:
        return False
    _, boundaries = python_boundaries(values, tuple(sorted(axes)), layout)
    return any(boundary is None for boundary in boundaries.values())


def _determines(values: Mapping[Coordinates, Hashable], axes: Sequence[str], names: Sequence[str]) -> bool:
    indices = [names.index(a) for a in axes]
    seen: Dict[Tuple[str, ...], Hashable] = {}
    for coords, value in values.items():
        projection = tuple(coords[i] for i in indices)
        if seen.setdefault(projection, value) != value:
            return False
    return True


def axis_value(coords: Coordinates, axis: str, layout: Layout) -> str:
    return coords[[a.name for a in layout.axes].index(axis)]


def group_label(coords: Coordinates, axes: Sequence[str], layout: Layout) -> str:
    """`start_method=spawn, platform=linux`; `everywhere` when there are no axes."""
    return ", ".join(f"{a}={axis_value(coords, a, layout)}" for a in axes) or "everywhere"


def python_boundaries(values: Mapping[Coordinates, Hashable], differs_by: Sequence[str],
                      layout: Layout, axis: str = "python") -> Tuple[Optional[str], Dict[str, Optional[str]]]:
    """The version where behaviour changed, per group of the other chosen axes, and the one they share if they agree.

    A group whose behaviour changes once along the observed versions has that version as its boundary (the first
    observed version with the new behaviour); one that changes back and forth has None. Groups that do not
    change with the version are left out.
    """
    if axis not in differs_by:
        return None, {}
    others = [a.name for a in layout.axes if a.name in differs_by and a.name != axis]
    order = layout.axis(axis).order
    groups: Dict[Tuple[str, ...], Dict[str, Hashable]] = {}
    labels: Dict[Tuple[str, ...], str] = {}
    for coords, value in values.items():
        key = tuple(axis_value(coords, a, layout) for a in others)
        labels[key] = group_label(coords, others, layout)
        groups.setdefault(key, {})[axis_value(coords, axis, layout)] = value
    boundaries: Dict[str, Optional[str]] = {}
    for key in sorted(groups, key=lambda k: labels[k]):
        by_version = groups[key]
        tags = sorted(by_version, key=order)
        changes = [later for earlier, later in zip(tags, tags[1:]) if by_version[earlier] != by_version[later]]
        if changes:
            boundaries[labels[key]] = changes[0] if len(changes) == 1 else None
    found = set(boundaries.values())
    boundary = found.pop() if len(found) == 1 else None
    return boundary, boundaries


def python_changes(values: Mapping[Coordinates, Hashable], differs_by: Sequence[str], layout: Layout) -> Dict[str, str]:
    """How behaviour changed along the versions, per group of the other chosen axes, in words: `in 3.12` (3.11 was
    observed, then 3.12), `between 3.13.0 and 3.13.18 (3.13.1-3.13.17 not observed)`; a group whose releases of
    several minor versions each change once reads `in patch releases: between 3.13.0 and 3.13.18; between 3.14.0
    and 3.14.10`; `more than once` otherwise."""
    if "python" not in differs_by:
        return {}
    others = [a.name for a in layout.axes if a.name in differs_by and a.name != "python"]
    order = layout.axis("python").order
    groups: Dict[str, Dict[str, Hashable]] = {}
    for coords, value in values.items():
        groups.setdefault(group_label(coords, others, layout), {})[axis_value(coords, "python", layout)] = value
    out: Dict[str, str] = {}
    for label in sorted(groups):
        by_version = groups[label]
        tags = sorted(by_version, key=order)
        steps = [(a, b) for a, b in zip(tags, tags[1:]) if by_version[a] != by_version[b]]
        if not steps:
            continue
        if len(steps) == 1:
            out[label] = _step_words(*steps[0])
            continue
        lines: Dict[str, List[str]] = {}
        for tag in tags:
            lines.setdefault(".".join(re.findall(r"\d+", tag)[:2]), []).append(tag)
        per_line = [[(a, b) for a, b in zip(line, line[1:]) if by_version[a] != by_version[b]] for line in lines.values()]
        line_of = {tag: key for key, line in lines.items() for tag in line}
        # a step from one minor line to the next that starts the new line where the old one started (3.13.18 fixed,
        # 3.14.0 not yet: each line changes in its own patch release) is what per-line changes say already; any other
        # step between lines is a change of its own, and named
        across = [(a, b) for a, b in steps if line_of[a] != line_of[b]
                  and by_version[b] != by_version[lines[line_of[a]][0]]]
        if all(len(line) <= 1 for line in per_line) and any(per_line):
            words = "; ".join(_step_words(*line[0]) for line in per_line if line)
            if across:
                words += "; and between minor versions: " + "; ".join(_step_words(a, b) for a, b in across)
            out[label] = "in patch releases: " + words
        else:  # every change observed, those between minor versions too
            out[label] = "more than once: " + "; ".join(_step_words(a, b) for a, b in steps)
    return out


def _step_words(before: str, after: str) -> str:
    """`in 3.12` for neighbouring minor versions, else `between A and B`, naming what lay unobserved in between."""
    a, b = [tuple(number(p) for p in re.findall(r"\d+", t)) for t in (before, after)]
    if len(a) == 2 and len(b) == 2 and a[0] == b[0] and b[1] == a[1] + 1:
        return f"in {after}"
    gap = ""
    if len(a) == 3 and len(b) == 3 and a[:2] == b[:2] and b[2] > a[2] + 1:
        low, high = f"{a[0]}.{a[1]}.{a[2] + 1}", f"{b[0]}.{b[1]}.{b[2] - 1}"
        gap = f" ({low} not observed)" if low == high else f" ({low}-{high} not observed)"
    elif len(a) >= 2 and len(b) >= 2 and a[0] == b[0] and b[1] > a[1] + 1:
        low, high = f"{a[0]}.{a[1] + 1}", f"{b[0]}.{b[1] - 1}"
        gap = f" ({low} not observed)" if low == high else f" ({low}-{high} not observed)"
    return f"between {before} and {after}{gap}"


def analyse_case(results: Sequence[Result], layout: Optional[Layout] = None) -> CaseAnalysis:
    """One case's results (one per cell) analysed, named as `layout` (by default, the results' own) names them."""
    layout = layout or Layout.of(results)
    first = results[0]
    attributed = [r for r in results if r.status not in NOT_ATTRIBUTED]
    excluded = tuple(sorted((r for r in results if r.status in NOT_ATTRIBUTED), key=lambda r: r.cell.sort_key()))
    members: Dict[Tuple[Any, ...], List[Result]] = {}
    for result in sorted(attributed, key=lambda r: r.cell.sort_key()):
        members.setdefault(behaviour_signature(result), []).append(result)
    # The class seen in the most cells comes first: it reads as "the usual behaviour", the others as departures.
    ordered = sorted(members.items(), key=lambda item: (-len(item[1]), item[1][0].cell.sort_key()))
    classes = tuple(
        BehaviourClass(signature=sig, cells=tuple(r.cell for r in group), representative=group[0])
        for sig, group in ordered
    )
    values = {layout.coordinates(r.cell): behaviour_signature(r) for r in attributed}
    differs_by = minimal_axes(values, layout)
    boundary, boundaries = python_boundaries(values, differs_by, layout)
    changes = python_changes(values, differs_by, layout)
    package = next((a for a in differs_by if a not in AXIS_NAMES and not is_flag(a)), None)
    if "python" not in differs_by and package is not None:  # "differs by numpy; changed in numpy 2.0.2"
        boundary, boundaries = python_boundaries(values, differs_by, layout, package)
        label = layout.axis(package).label
        boundary = label(boundary) if boundary else None
        boundaries = {group: label(b) if b else None for group, b in boundaries.items()}
        changes = {group: f"in {b}" if b else "more than once" for group, b in boundaries.items()}
    ids = tuple(sorted({i for r in results for i in r.case.ids}, key=claim_id_key))
    return CaseAnalysis(
        case=first.case.name, ids=ids, classes=classes, differs_by=differs_by, boundary=boundary,
        boundaries=boundaries, changes=changes, claim=first.case.claim, excluded=excluded, source=first.case.source,
        layout=layout,
    )


def claim_id_key(claim_id: str) -> Tuple[Any, ...]:
    """S2 before S10; anything not shaped like an ID after, alphabetically."""
    match = re.fullmatch(r"([A-Za-z]*)(\d+)", claim_id)
    return (0, match.group(1), number(match.group(2))) if match else (1, claim_id, 0)


def case_order_key(analysis: CaseAnalysis) -> Tuple[Any, ...]:
    """Cases in claim order (S1 first), then by name."""
    first = min((claim_id_key(i) for i in analysis.ids), default=(2, "", 0))
    return (first, analysis.case)


def analyse(run: Run) -> Tuple[CaseAnalysis, ...]:
    """Every case of the run, in claim order."""
    by_case: Dict[str, List[Result]] = {}
    for result in run.results:
        by_case.setdefault(result.case.name, []).append(result)
    return tuple(sorted((analyse_case(results, run.layout) for results in by_case.values()), key=case_order_key))


# -- describing classes, shared by the renderers -----------------------------------------------------------------


def describe_cells(cells: Iterable[CellId], axes: Sequence[str], layout: Layout, limit: int = 8) -> str:
    """Where a class was seen, in terms of the axes that matter: `spawn, forkserver` or `spawn/3.12, spawn/3.13`."""
    chosen = [a for a in layout.axes if a.name in axes]
    if not chosen:
        return "everywhere"
    if "python" in axes and "implementation" not in axes and len({c.implementation for c in layout.cells}) > 1:
        # versions named with their implementation where several ran: pypy3.9, not a 3.9 that reads as CPython's
        chosen = [Axis(a.name, lambda layout, cell: layout.tag(cell.interpreter()), a.order, a.label)
                  if a.name == "python" else a for a in chosen]
    projections = sorted({tuple(a.read(layout, c) for a in chosen) for c in cells},
                         key=lambda p: tuple(a.order(v) for a, v in zip(chosen, p)))
    per_axis = [sorted({p[i] for p in projections}, key=chosen[i].order) for i in range(len(chosen))]
    size = 1
    for values in per_axis:
        size *= len(values)
    if size == len(projections):  # a full product reads best axis by axis; a variant axis always says its name
        return "; ".join(_axis_values(a, v, len(chosen) > 1) for a, v in zip(chosen, per_axis))
    shown = ["/".join(p) for p in projections[:limit]]
    more = f" and {len(projections) - limit} more" if len(projections) > limit else ""
    return ", ".join(shown) + more


def _axis_values(axis: Axis, values: Sequence[str], named: bool) -> str:
    """`spawn, forkserver`; `python 3.12, 3.13` beside other axes; `numpy 1.26.4, 2.1.3` and `FLAG=0, 1` always."""
    if is_flag(axis.name):
        return f"{axis.name}={', '.join(values)}"
    if named or axis.name not in AXIS_NAMES:
        return f"{axis.name} {', '.join(values)}"
    return ", ".join(values)


def describe_class(analysis: CaseAnalysis, index: int) -> str:
    """Where one class of a case was seen; the usual class reads "elsewhere" when the others are easier to name."""
    behaviour = analysis.classes[index]
    text = describe_cells(behaviour.cells, analysis.differs_by, analysis.layout)
    if index == 0 and len(analysis.classes) > 1 and ("/" in text or len(text) > 60):
        return "elsewhere"
    return text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def observation_text(result: Result, max_lines: int = 40) -> List[str]:
    """The parts of an observation that make its signature, as lines a diff can compare."""
    judged = result.judged
    lines = [f"status: {result.status.label}", f"verdict: {verdict_phrase(result)}", f"exit: {result.exit}"]
    if judged.exception and (not judged.checked or "exception" in judged.checked):
        lines.append(f"exception: {judged.exception}")
    alive = result.observed.alive_leftovers
    if alive:
        lines.append(f"leftover processes: {len(alive)}")
    for name, text in (("stdout", judged.stdout), ("stderr", judged.stderr)):
        if name not in result.compared_streams():
            continue
        body = text.splitlines()
        lines.append(f"{name}:" if body else f"{name}: (empty)")
        lines.extend("  " + line for line in body[:max_lines])
        cut = result.cut(name)  # a brief result (a run's, in memory) holds the head of a long output
        if cut is not None:
            lines.append(f"  ... {cut.lines - min(len(body), max_lines)} more lines ({cut.chars:,} characters in all, "
                         "in the results file)")
        elif len(body) > max_lines:
            lines.append(f"  ... {len(body) - max_lines} more lines")
    return lines


def class_diff(usual: Result, other: Result, context: int = 1, max_lines: int = 30) -> List[str]:
    """A short unified diff from the usual class's observation to another's."""
    diff = list(difflib.unified_diff(observation_text(usual), observation_text(other), "usual", "this class", n=context, lineterm=""))
    body = diff[2:]  # the ---/+++ header says nothing a reader needs here
    if len(body) > max_lines:
        body = body[:max_lines] + [f"... {len(body) - max_lines} more diff lines"]
    return body


def difference_summary(analysis: CaseAnalysis) -> str:
    """`differs by python, start_method; changed in 3.12`, `...; changed between 3.13.0 and 3.13.18`."""
    text = "differs by " + ", ".join(analysis.differs_by)
    changes = analysis.changes
    if not changes:
        return text
    if len(set(changes.values())) == 1 and "more than once" not in changes.values():
        (label, *others) = changes
        text += f"; changed {changes[label]}"
        if not others and label != "everywhere":  # only there: `changed in 3.11 (implementation=pypy)`
            text += f" ({label})"
    else:
        text += "; changed " + "; ".join(f"{label}: {words}" for label, words in changes.items())
    return text


def differing(analyses: Iterable[CaseAnalysis]) -> List[CaseAnalysis]:
    return [a for a in analyses if a.differs]


def by_status(results: Iterable[Result], keep: Callable[[Result], bool]) -> List[Result]:
    """Results kept by a predicate, in matrix order (case, then place)."""
    return sorted((r for r in results if keep(r)), key=lambda r: (r.case.name, r.cell.sort_key()))
