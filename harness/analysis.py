"""Where behaviour differs: each case's cells grouped into behaviour classes, the difference put down to the fewest axes."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence, Tuple

from harness.model import START_METHODS, Result, Run, Status

# The axes a difference can be put down to, in the order that breaks ties between equally small explanations.
AXES: Tuple[str, ...] = ("start_method", "python", "platform", "implementation")

# A cell's place in the matrix, one value per axis in AXES order: (start_method, python tag, platform, implementation).
Coordinates = Tuple[str, str, str, str]

# Cells that say nothing about how the case behaves: not run there, or not one behaviour. Flaky cells saw several
# behaviours, so putting a difference down to an axis because of one of them would be a guess.
NOT_ATTRIBUTED = frozenset({Status.UNSUPPORTED, Status.SKIP, Status.FLAKY})


def coordinates(result: Result) -> Coordinates:
    return (result.start_method, result.python_tag, result.platform, result.implementation)


def axis_value(coords: Coordinates, axis: str) -> str:
    return coords[AXES.index(axis)]


def version_key(tag: str) -> Tuple[Any, ...]:
    """3.9 < 3.10 < 3.13 < 3.13t < 3.14: numbers compared as numbers, a free-threaded build just after its twin."""
    return tuple(int(p) for p in re.findall(r"\d+", tag)) + (tag.endswith("t"),)


def coordinates_key(coords: Coordinates) -> Tuple[Any, ...]:
    """Matrix order: platform, python version, start method, implementation."""
    method, tag, platform, implementation = coords
    order = START_METHODS.index(method) if method in START_METHODS else len(START_METHODS)
    return (platform, version_key(tag), tag, order, method, implementation)


@dataclass(frozen=True)
class BehaviourClass:
    """Cells of one case that behaved alike: the same normalized observation and the same verdict on the claim."""

    signature: Tuple[Any, ...]
    cells: Tuple[Coordinates, ...]
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
    claim: str = ""
    excluded: Tuple[Result, ...] = ()  # unsupported, skipped and flaky cells: shown, never used to attribute
    source: str = ""  # the case's `source`: where the claim is made

    @property
    def differs(self) -> bool:
        return len(self.classes) > 1


def behaviour_signature(result: Result) -> Tuple[Any, ...]:
    return tuple(result.signature()) + (result.holds, result.known_bug)


def minimal_axes(values: Mapping[Coordinates, Hashable]) -> Tuple[str, ...]:
    """The smallest set of axes that determines the value of every observed cell.

    The python axis is the language version, whatever the implementation: PyPy 3.11 is Python 3.11 there, so a
    change that PyPy follows at the same version is put down to `python`, and one only PyPy shows to
    `implementation`. When several sets of the same size explain the cells, one whose python values change behaviour
    back and forth (PyPy 3.9 and 3.11 differ, no CPython of those versions was seen) loses to one that needs no such
    story; remaining ties go to the earlier axes."""
    if len(set(values.values())) <= 1:
        return ()
    for size in range(1, len(AXES) + 1):
        found = [axes for axes in itertools.combinations(AXES, size) if _determines(values, axes)]
        if found:
            return tuple(sorted(min(found, key=lambda axes: _erratic_in_python(values, axes))))
    # Only reachable when the same coordinates carry different values, which a merged run never has.
    return tuple(sorted(AXES))


def _erratic_in_python(values: Mapping[Coordinates, Hashable], axes: Sequence[str]) -> bool:
    """Whether explaining by these axes needs a behaviour that changes more than once along the versions."""
    if "python" not in axes:
        return False
    _, boundaries = python_boundaries(values, tuple(sorted(axes)))
    return any(boundary is None for boundary in boundaries.values())


def _determines(values: Mapping[Coordinates, Hashable], axes: Sequence[str]) -> bool:
    seen: Dict[Tuple[str, ...], Hashable] = {}
    for coords, value in values.items():
        projection = tuple(axis_value(coords, a) for a in axes)
        if seen.setdefault(projection, value) != value:
            return False
    return True


def group_label(coords: Coordinates, axes: Sequence[str]) -> str:
    """`start_method=spawn, platform=linux`; `everywhere` when there are no axes."""
    return ", ".join(f"{a}={axis_value(coords, a)}" for a in axes) or "everywhere"


def python_boundaries(values: Mapping[Coordinates, Hashable], differs_by: Sequence[str]) -> Tuple[Optional[str], Dict[str, Optional[str]]]:
    """The version where behaviour changed, per group of the other chosen axes, and the one they share if they agree.

    A group whose behaviour changes once along the observed versions has that version as its boundary (the first
    observed version with the new behaviour); one that changes back and forth has None. Groups that do not
    change with the version are left out.
    """
    if "python" not in differs_by:
        return None, {}
    others = [a for a in AXES if a in differs_by and a != "python"]
    groups: Dict[Tuple[str, ...], Dict[str, Hashable]] = {}
    labels: Dict[Tuple[str, ...], str] = {}
    for coords, value in values.items():
        key = tuple(axis_value(coords, a) for a in others)
        labels[key] = group_label(coords, others)
        groups.setdefault(key, {})[axis_value(coords, "python")] = value
    boundaries: Dict[str, Optional[str]] = {}
    for key in sorted(groups, key=lambda k: labels[k]):
        by_version = groups[key]
        tags = sorted(by_version, key=lambda t: (version_key(t), t))
        changes = [later for earlier, later in zip(tags, tags[1:]) if by_version[earlier] != by_version[later]]
        if changes:
            boundaries[labels[key]] = changes[0] if len(changes) == 1 else None
    found = set(boundaries.values())
    boundary = found.pop() if len(found) == 1 else None
    return boundary, boundaries


def analyse_case(results: Sequence[Result]) -> CaseAnalysis:
    """One case's results (one per cell) analysed."""
    first = results[0]
    attributed = [r for r in results if r.status not in NOT_ATTRIBUTED]
    excluded = tuple(sorted((r for r in results if r.status in NOT_ATTRIBUTED), key=lambda r: coordinates_key(coordinates(r))))
    members: Dict[Tuple[Any, ...], List[Result]] = {}
    for result in sorted(attributed, key=lambda r: coordinates_key(coordinates(r))):
        members.setdefault(behaviour_signature(result), []).append(result)
    # The class seen in the most cells comes first: it reads as "the usual behaviour", the others as departures.
    ordered = sorted(members.items(), key=lambda item: (-len(item[1]), coordinates_key(coordinates(item[1][0]))))
    classes = tuple(
        BehaviourClass(signature=sig, cells=tuple(coordinates(r) for r in group), representative=group[0])
        for sig, group in ordered
    )
    values = {coordinates(r): behaviour_signature(r) for r in attributed}
    differs_by = minimal_axes(values)
    boundary, boundaries = python_boundaries(values, differs_by)
    ids = tuple(sorted({i for r in results for i in r.ids}, key=claim_id_key))
    return CaseAnalysis(
        case=first.case, ids=ids, classes=classes, differs_by=differs_by, boundary=boundary,
        boundaries=boundaries, claim=first.claim, excluded=excluded, source=first.source,
    )


def claim_id_key(claim_id: str) -> Tuple[Any, ...]:
    """S2 before S10; anything not shaped like an ID after, alphabetically."""
    match = re.fullmatch(r"([A-Za-z]*)(\d+)", claim_id)
    return (0, match.group(1), int(match.group(2))) if match else (1, claim_id, 0)


def case_order_key(analysis: CaseAnalysis) -> Tuple[Any, ...]:
    """Cases in claim order (S1 first), then by name."""
    first = min((claim_id_key(i) for i in analysis.ids), default=(2, "", 0))
    return (first, analysis.case)


def analyse(run: Run) -> Tuple[CaseAnalysis, ...]:
    """Every case of the run, in claim order."""
    by_case: Dict[str, List[Result]] = {}
    for result in run.results:
        by_case.setdefault(result.case, []).append(result)
    return tuple(sorted((analyse_case(results) for results in by_case.values()), key=case_order_key))


# -- describing classes, shared by the renderers -----------------------------------------------------------------


def describe_cells(cells: Iterable[Coordinates], axes: Sequence[str], limit: int = 8) -> str:
    """Where a class was seen, in terms of the axes that matter: `spawn, forkserver` or `spawn/3.12, spawn/3.13`."""
    axes = [a for a in AXES if a in axes]
    if not axes:
        return "everywhere"
    projections = sorted({tuple(axis_value(c, a) for a in axes) for c in cells}, key=lambda p: _projection_key(p, axes))
    per_axis = [sorted({p[i] for p in projections}, key=lambda v: _value_key(v, axes[i])) for i in range(len(axes))]
    size = 1
    for values in per_axis:
        size *= len(values)
    if size == len(projections):  # a full product reads best axis by axis
        return "; ".join(f"{a} {', '.join(v)}" if len(axes) > 1 else ", ".join(v) for a, v in zip(axes, per_axis))
    shown = ["/".join(p) for p in projections[:limit]]
    more = f" and {len(projections) - limit} more" if len(projections) > limit else ""
    return ", ".join(shown) + more


def describe_class(analysis: CaseAnalysis, index: int) -> str:
    """Where one class of a case was seen; the usual class reads "elsewhere" when the others are easier to name."""
    behaviour = analysis.classes[index]
    text = describe_cells(behaviour.cells, analysis.differs_by)
    if index == 0 and len(analysis.classes) > 1 and ("/" in text or len(text) > 60):
        return "elsewhere"
    return text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _value_key(value: str, axis: str) -> Tuple[Any, ...]:
    if axis == "python":
        return (version_key(value), value)
    if axis == "start_method" and value in START_METHODS:
        return ((START_METHODS.index(value),), value)
    return ((len(START_METHODS),), value)


def _projection_key(projection: Tuple[str, ...], axes: Sequence[str]) -> Tuple[Any, ...]:
    return tuple(_value_key(v, a) for v, a in zip(projection, axes))


def observation_text(result: Result, max_lines: int = 40) -> List[str]:
    """The parts of an observation that make its signature, as lines a diff can compare."""
    holds = f"known bug ({result.known_bug})" if result.known_bug else _holds_word(result.holds)
    lines = [f"status: {result.status.label}", f"holds: {holds}", f"exit: {result.exit}"]
    if result.exception and (not result.checked or "exception" in result.checked):
        lines.append(f"exception: {result.exception}")
    alive = [x for x in result.leftovers if not x.zombie]  # as in Result.signature: zombies are timing
    if alive:
        lines.append(f"leftover processes: {len(alive)}")
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if name not in result.compared_streams():
            continue
        body = text.splitlines()
        lines.append(f"{name}:" if body else f"{name}: (empty)")
        lines.extend("  " + line for line in body[:max_lines])
        if len(body) > max_lines:
            lines.append(f"  ... {len(body) - max_lines} more lines")
    return lines


def _holds_word(holds: Optional[bool]) -> str:
    return {True: "yes", False: "no (claim refuted)", None: "not judged"}[holds]


def class_diff(usual: Result, other: Result, context: int = 1, max_lines: int = 30) -> List[str]:
    """A short unified diff from the usual class's observation to another's."""
    diff = list(difflib.unified_diff(observation_text(usual), observation_text(other), "usual", "this class", n=context, lineterm=""))
    body = diff[2:]  # the ---/+++ header says nothing a reader needs here
    if len(body) > max_lines:
        body = body[:max_lines] + [f"... {len(body) - max_lines} more diff lines"]
    return body


def difference_summary(analysis: CaseAnalysis) -> str:
    """`differs by python, start_method; changed in 3.12`."""
    text = "differs by " + ", ".join(analysis.differs_by)
    if analysis.boundary:
        text += f"; changed in {analysis.boundary}"
        (label, *others) = analysis.boundaries or ["everywhere"]
        if not others and label != "everywhere":  # only there: `changed in 3.11 (implementation=pypy)`
            text += f" ({label})"
    elif analysis.boundaries:
        parts = [f"{label}: {'in ' + b if b else 'more than once'}" for label, b in analysis.boundaries.items()]
        text += "; changed " + "; ".join(parts)
    return text


def differing(analyses: Iterable[CaseAnalysis]) -> List[CaseAnalysis]:
    return [a for a in analyses if a.differs]


def by_status(results: Iterable[Result], keep: Callable[[Result], bool]) -> List[Result]:
    """Results kept by a predicate, in matrix order (case, then coordinates)."""
    return sorted((r for r in results if keep(r)), key=lambda r: (r.case, coordinates_key(coordinates(r))))
