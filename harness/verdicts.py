"""Per-claim verdicts: the cells of every case naming a claim merged into one verdict per cell, and one line saying
where the claim holds, where it is refuted, where a known bug stands in its way, and what was not observed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from harness.analysis import Coordinates, axis_value, minimal_axes
from harness.model import AXIS_NAMES, PLATFORMS, Layout, Result, Verdict, version_numbers
from harness.target import Target, describe_columns, not_observed

# The verdicts a cell can settle, in the order a summary names them. Where cases of one claim disagree about a
# cell, a refutation outweighs a known bug, and a known bug outweighs "holds": the claim holds only where every
# case testing it there says so.
DECIDING: Tuple[Verdict, ...] = (Verdict.HOLDS, Verdict.REFUTED, Verdict.KNOWN_BUG)
_WEIGHT = {Verdict.HOLDS: 0, Verdict.KNOWN_BUG: 1, Verdict.REFUTED: 2}
_INTERPRETER_AXES = ("platform", "implementation", "python")  # how an interpreter is named: Linux PyPy 3.9


@dataclass(frozen=True)
class ClaimVerdict:
    """A claim across the matrix: the settled verdict of each cell, where each verdict was seen, what is unsettled."""

    results: Tuple[Result, ...]
    cells: Dict[Coordinates, Verdict]  # cells where an observation matched an expectation that judges the claim
    parts: Tuple[Tuple[Verdict, str], ...]  # (verdict, where), in DECIDING order; where is "" when it is everywhere
    unsettled: Tuple[Result, ...]  # cells whose observation did not match the expectation: they decide nothing
    missing: str  # what the target (or, without one, the platforms) has that no deciding cell covers
    known_bugs: Tuple[str, ...]  # the reasons, as the expectations give them
    layout: Layout = Layout(())
    releases: Tuple[Tuple[str, str, str], ...] = ()  # (state, words, rest) per release a case names (release_checks)

    @property
    def verdicts(self) -> Set[Verdict]:
        return set(self.cells.values())

    def pieces(self, said: str = "") -> List[Tuple[str, str, str]]:
        """The line in pieces: (CSS name of the verdict or state, its words, the rest), e.g.
        ("holds", "holds", " on CPython ≥ 3.9 under every method"); renderers mark the words up as they like. What
        was not observed is left out when it is `said` already (a report says it once for every claim it fits)."""
        if not self.results:
            return [("not-observed", "not observed", ": no case names this claim yet")]
        out: List[Tuple[str, str, str]] = []
        if not self.cells:
            out.append(("unsettled", "not settled", ": no cell matched an expectation that judges the claim"))
        elif len(self.parts) == 1:
            verdict = self.parts[0][0]
            out.append((verdict.css, f"{verdict.label} everywhere observed", ""))
        else:
            out.extend((verdict.css, verdict.label, f" {where}") for verdict, where in self.parts)
        if self.unsettled:
            kinds = sorted({r.status.label for r in self.unsettled})
            out.append(("unsettled", "unsettled",
                        f" ({', '.join(kinds)}: no observation matched the expectation) on "
                        f"{cells_text(self.unsettled, self.layout)}"))
        out.extend(self.releases)
        if self.missing and self.missing != said:
            out.append(("not-observed", "not observed", f": {self.missing}"))
        return out

    def text(self, strong: bool = False, said: str = "") -> str:
        """One line: `holds on CPython ≥ 3.9 under every method; refuted on CPython ≤ 3.8 (spawn); ...`.
        `strong` marks the verdict words up for Markdown (**holds**): the verdicts, and the first piece whatever it is."""
        verdicts = {v.css for v in DECIDING}
        return "; ".join(
            (f"**{text}**" if strong and (css in verdicts or index == 0) else text) + rest
            for index, (css, text, rest) in enumerate(self.pieces(said))
        )


def common_missing(verdicts: Iterable[ClaimVerdict]) -> str:
    """What was not observed for most claims (the matrix's unobserved part, as a rule): said once by a report."""
    counts: Dict[str, int] = {}
    for verdict in verdicts:
        if verdict.missing:
            counts[verdict.missing] = counts.get(verdict.missing, 0) + 1
    return max(counts, key=lambda m: (counts[m], m)) if counts else ""


def results_by_claim(results: Iterable[Result]) -> Dict[str, List[Result]]:
    """The cells of every case naming each claim ID, in the order the results come."""
    named: Dict[str, List[Result]] = {}
    for r in results:
        for claim_id in r.case.ids:
            named.setdefault(claim_id, []).append(r)
    return named


def summarize(results: Sequence[Result], target: Optional[Target] = None, layout: Optional[Layout] = None) -> ClaimVerdict:
    """The verdict of a claim from the results of every case that names it, named as `layout` names the cells (by
    default, as the results alone would)."""
    layout = layout or Layout.of(results)
    cells: Dict[Coordinates, Verdict] = {}
    for r in results:
        verdict = r.verdict
        if verdict not in _WEIGHT:
            continue
        here = layout.coordinates(r.cell)
        if here not in cells or _WEIGHT[verdict] > _WEIGHT[cells[here]]:
            cells[here] = verdict
    axes = minimal_axes(cells, layout)
    # Versions and methods are named among those the cases ran under, settled or not: "PyPy 3.9" rather than
    # "PyPy" when PyPy 3.11 ran but decided nothing.
    ran = sorted({layout.coordinates(r.cell) for r in results if r.status.ran} | set(cells))
    implementations = {axis_value(c, "implementation", layout) for c in ran}
    parts = []
    for verdict in DECIDING:
        mine = [c for c, v in cells.items() if v is verdict]
        if mine:
            parts.append((verdict, describe_where(mine, ran, axes, implementations, layout)))
    deciding = [r for r in results if r.verdict.decides]
    if target is not None:
        missing = describe_columns(not_observed(deciding, target), target).replace("; ", " and ")  # "; " parts the line
    else:
        seen = {r.cell.platform_tag for r in deciding}
        missing = ", ".join(p for p in PLATFORMS if p not in seen) if deciding else ""
    reasons: List[str] = []
    for r in results:
        if r.verdict is Verdict.KNOWN_BUG and r.judged.known_bug not in reasons:
            reasons.append(r.judged.known_bug)
    unsettled = tuple(sorted((r for r in results if r.verdict is Verdict.UNSETTLED), key=lambda r: r.cell.sort_key()))
    return ClaimVerdict(tuple(results), cells, tuple(parts), unsettled, missing, tuple(reasons), layout,
                        tuple(release_checks(results)))


def release_checks(results: Sequence[Result]) -> List[Tuple[str, str, str]]:
    """Whether the observations agree with each release a case names for its change (`changed_in`), per case, by
    what the cells settle about the claim (holds, refuted, known bug):
    - ("release-consistent", "consistent with 3.13.8", ": 3.13.0 is refuted, 3.13.18 holds (the change lies in
      3.13.1-3.13.18)"): the verdict changes between the nearest observed releases on either side, and nowhere else
      in that version's line;
    - ("release-contradicted", "contradicts 3.13.8", ...): it changes elsewhere in the line;
    - ("release-unseen", "no change seen at 3.13.8", ...): the releases on both sides settle the claim alike;
    - ("release-unknown", "cannot tell about 3.14.1", ...): no release on one side was observed.
    Only CPython's cells count (the releases are CPython's), each group of the other axes (start method, platform,
    build, variant) on its own."""
    out: List[Tuple[str, str, str]] = []
    by_case: Dict[str, List[Result]] = {}
    for r in results:
        if r.case.changed_in and r.verdict.decides:
            by_case.setdefault(r.case.name, []).append(r)
    for name, cells in by_case.items():
        for release in cells[0].case.changed_in:
            named = version_numbers(release)
            line = [r for r in cells if r.cell.implementation == "cpython" and version_numbers(r.cell.version)[:2] == named[:2]]
            before = sorted({r.cell.version for r in line if version_numbers(r.cell.version) < named}, key=version_numbers)
            after = sorted({r.cell.version for r in line if version_numbers(r.cell.version) >= named}, key=version_numbers)
            subject = f" ({name})" if len(by_case) > 1 else ""
            groups: Dict[Tuple, Dict[str, Set[str]]] = {}
            for r in line:
                rest = (r.cell.start_method, r.cell.platform_tag, r.cell.build, r.cell.variant)
                groups.setdefault(rest, {}).setdefault(r.cell.version, set()).add(r.verdict.label)
            at_release = elsewhere = 0
            words: Tuple[str, str] = ("", "")
            moved: Tuple[str, ...] = ()
            for by_version in groups.values():
                versions = sorted(by_version, key=version_numbers)
                for earlier, later in zip(versions, versions[1:]):
                    if by_version[earlier] == by_version[later]:
                        continue
                    if version_numbers(earlier) < named <= version_numbers(later):
                        at_release += 1
                        words = (f"{earlier} {'/'.join(sorted(by_version[earlier]))}",
                                 f"{later} {'/'.join(sorted(by_version[later]))}")
                    else:
                        elsewhere += 1
                        moved = moved or (earlier, later)
            if elsewhere:  # a change away from the named release contradicts it, whether or not both sides were seen
                out.append(("release-contradicted", f"contradicts {release}",
                            f"{subject}: the verdict changes between {moved[0]} and {moved[1]}, not at {release} "
                            f"(observed: {', '.join(before + after)})"))
                continue
            if not before or not after:
                side = "before" if not before else "from"
                seen = ", ".join(before or after) or "none"
                out.append(("release-unknown", f"cannot tell about {release}",
                            f"{subject}: no release {side} it was observed (observed: {seen})"))
                continue
            last_before, first_after = before[-1], after[0]
            if at_release:
                window = f"{last_before} and {first_after}"
                out.append(("release-consistent", f"consistent with {release}",
                            f"{subject}: {words[0]}, {words[1]} (the change lies between {window})"))
            else:
                out.append(("release-unseen", f"no change seen at {release}",
                            f"{subject}: {last_before} and {first_after} settle the claim alike (a change and its "
                            "undoing between them would look the same)"))
    return out


def describe_where(cells: Sequence[Coordinates], universe: Sequence[Coordinates], axes: Sequence[str],
                   implementations: Set[str], layout: Layout) -> str:
    """`on CPython ≥ 3.9 under every method and on CPython 3.7 under fork`: the cells, in terms of the axes that
    decide the verdict (see analysis.minimal_axes); "" when they are the whole universe."""
    # Versions are named with their implementation whenever several were observed: PyPy 3.9, not Python 3.9.
    named = set(axes) | ({"implementation"} if "python" in axes and len(implementations) > 1 else set())
    # ... then the axes beyond the interpreter's that decide the verdict (a package version, a flag), as the layout
    # orders them: "CPython 3.12 numpy 2.1", "on numpy 2.1.3"
    interpreter_axes = [a for a in _INTERPRETER_AXES if a in named] + [
        a.name for a in layout.axes if a.name in named and a.name not in AXIS_NAMES]
    by_method = "start_method" in axes

    def interpreter(c: Coordinates) -> Tuple[str, ...]:
        return tuple(axis_value(c, a, layout) for a in interpreter_axes)

    def order(key: Tuple[str, ...]) -> Tuple:
        return tuple(layout.axis(a).order(v) for a, v in zip(interpreter_axes, key))

    offered: Dict[Tuple[str, ...], Set[str]] = {}
    for c in universe:
        offered.setdefault(interpreter(c), set()).add(axis_value(c, "start_method", layout))
    methods: Dict[Tuple[str, ...], Set[str]] = {}
    for c in cells:
        methods.setdefault(interpreter(c), set()).add(axis_value(c, "start_method", layout))
    groups: Dict[Tuple[str, ...], List[Tuple[str, ...]]] = {}  # method set ("every" for all offered) -> interpreters
    for key, seen in methods.items():
        label = ("every",) if not by_method or seen == offered[key] else tuple(sorted(seen, key=layout.axis("start_method").order))
        groups.setdefault(label, []).append(key)
    phrases = []
    for label, keys in sorted(groups.items(), key=lambda item: min(order(k) for k in item[1])):
        on = _interpreters(keys, list(offered), interpreter_axes, implementations, layout)
        methods_text = ", ".join(label)
        if not on:  # every interpreter: then this is the only group
            return f"under {methods_text}" if by_method and label != ("every",) else "everywhere observed"
        if not by_method:
            phrases.append(on)
        elif label == ("every",):
            phrases.append(f"{on} under every method")
        else:
            phrases.append(f"{on} ({methods_text})")
    return "on " + ", ".join(phrases)


def _interpreters(keys: Sequence[Tuple[str, ...]], universe: Sequence[Tuple[str, ...]], axes: Sequence[str],
                  implementations: Set[str], layout: Layout) -> str:
    """`CPython ≥ 3.9, PyPy 3.9`: interpreters (projections on `axes`), versions written as ranges of the observed
    ones where they run on to the newest or from the oldest; "" when they are all of the universe."""
    if set(keys) == set(universe):
        return ""
    others = [a for a in axes if a != "python"]

    def label_of(key: Tuple[str, ...]) -> Tuple[str, ...]:
        return tuple(v for a, v in zip(axes, key) if a != "python")

    def version_of(key: Tuple[str, ...]) -> str:
        return key[axes.index("python")] if "python" in axes else ""

    wanted: Dict[Tuple[str, ...], List[str]] = {}
    for key in keys:
        wanted.setdefault(label_of(key), []).append(version_of(key))
    known: Dict[Tuple[str, ...], List[str]] = {}
    for key in universe:
        known.setdefault(label_of(key), []).append(version_of(key))
    texts = []
    for label in sorted(wanted, key=lambda lab: [layout.axis(a).order(v) for a, v in zip(others, lab)]):
        names = [layout.axis(a).label(v) for a, v in zip(others, label)]
        if "python" in axes and "implementation" not in axes:
            names.append("CPython" if implementations == {"cpython"} else "Python")
        versions = _versions(wanted[label], known[label], layout) if "python" in axes else ""
        texts.append(" ".join(n for n in names + [versions] if n))
    return ", ".join(texts)


def _versions(versions: Sequence[str], observed: Sequence[str], layout: Layout) -> str:
    """`≥ 3.9`, `≤ 3.8`, `3.9–3.11` or `3.7, 3.12`, among the observed versions; "" when they are all of several."""
    every = sorted(set(observed), key=layout.axis("python").order)
    index = sorted(every.index(v) for v in set(versions))
    if len(index) == len(every):
        return every[0] if len(every) == 1 else ""  # "PyPy 3.9" when it is the only one: "PyPy" would say more
    run = index == list(range(index[0], index[-1] + 1))
    if run and len(index) >= 2 and index[-1] == len(every) - 1:
        return f"≥ {every[index[0]]}"
    if run and len(index) >= 2 and index[0] == 0:
        return f"≤ {every[index[-1]]}"
    if run and len(index) >= 3:
        return f"{every[index[0]]}–{every[index[-1]]}"
    return ", ".join(every[i] for i in index)


def cells_text(results: Sequence[Result], layout: Optional[Layout] = None) -> str:
    """`CPython 3.12 (spawn), PyPy 3.9 (spawn, forkserver)`: cells per interpreter, the platform named when several."""
    layout = layout or Layout.of(results)
    several = len({r.cell.platform_tag for r in results}) > 1
    by_interpreter: Dict[str, List[str]] = {}
    for r in sorted(results, key=lambda r: r.cell.sort_key()):
        name = f"{r.cell.platform_label} " * several + layout.interpreter_label(r.cell)
        by_interpreter.setdefault(name, []).append(r.cell.start_method)
    return ", ".join(f"{name} ({', '.join(methods)})" for name, methods in by_interpreter.items())

