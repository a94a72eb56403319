"""Claims report: for each claim ID in the claims list, its verdict across the matrix, the evidence and its cases."""

from __future__ import annotations

import difflib
import re
import shlex
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

from harness.analysis import (
    CaseAnalysis,
    Coordinates,
    analyse,
    claim_id_key,
    coordinates,
    describe_cells,
    describe_class,
    minimal_axes,
    plural,
)
from harness.errors import UsageError
from harness.model import PLATFORMS, Result, Run, Status
from harness.render.markdown import clip, code_block, inline
from harness.render.terminal import escape_control
from harness.target import Target, describe_columns, not_observed

# CI has no shared folder beside the repository, so a copy of the claims list lives in it.
DEFAULT_CLAIMS_FILE = Path(__file__).resolve().parents[2] / "claims" / "seed.md"
_CLAIM_ROW = re.compile(r"^\|\s*([A-Z]+\d+)\s*\|(.*)\|\s*$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # an unescaped pipe: a Markdown cell writes a literal one as \|
EVIDENCE_LINES = 6


def read_claims(path: Path) -> Dict[str, str]:
    """`| S1 | text |` rows of a Markdown claims list, in file order; of wider rows (`| D7 | text | section | url |`)
    the text is the second cell."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the claims file ({exc}); expected a Markdown table of `| S1 | claim |` rows") from None
    claims: Dict[str, str] = {}
    for line in text.splitlines():
        match = _CLAIM_ROW.match(line.strip())
        if match:
            claims.setdefault(match.group(1), _CELL_BORDER.split(match.group(2))[0].strip())
    return claims


def verdict(results: Sequence[Result], target: Optional[Target] = None) -> str:
    """One sentence from the cells naming a claim: only cells that matched their expectation decide (a failing
    cell's `holds` is what was expected there, not what was seen). What the target matrix has and no cell of the
    claim filled is named as not observed; without a target, the platforms never seen."""
    if not results:
        return "**not observed**: no case names this claim yet"
    judged = [r for r in results if r.status is Status.PASS and r.holds is not None]
    unsettled = [r for r in results if r.status.is_failure]
    parts: List[str] = []
    if not judged:
        parts.append("**not settled**: no cell matched an expectation that judges the claim")
    else:
        holds_at: Dict[Coordinates, bool] = {}
        for r in judged:  # a claim holds in a cell only if it holds in every case that tests it there
            holds_at[coordinates(r)] = holds_at.get(coordinates(r), True) and bool(r.holds)
        held = [c for c, h in holds_at.items() if h]
        refuted = [c for c, h in holds_at.items() if not h]
        if not refuted:
            parts.append("**holds everywhere observed**")
        elif not held:
            parts.append("**refuted everywhere observed**")
        else:
            axes = minimal_axes(holds_at)
            parts.append(f"**holds only under {describe_cells(held, axes)}**; refuted under {describe_cells(refuted, axes)}")
        if target is not None:
            missing_columns = not_observed(judged, target)
            if missing_columns:
                parts.append(f"not observed on {describe_columns(missing_columns, target)}")
        else:
            missing = [p for p in PLATFORMS if p not in {r.platform for r in judged}]
            if missing:
                parts.append(f"not observed on {', '.join(missing)}")
    if unsettled:
        kinds = sorted({r.status.label for r in unsettled})
        parts.append(f"{plural(len(unsettled), 'cell')} unsettled ({', '.join(kinds)}: no observation that matches the expectation)")
    return "; ".join(parts)


def evidence(analysis: CaseAnalysis) -> str:
    """Each behaviour of a case, short: where, how it ended, and the first lines of its output."""
    out: List[str] = []
    verdicts = {True: "claim holds", False: "claim refuted", None: "not judged"}
    for index, behaviour in enumerate(analysis.classes):
        r = behaviour.representative
        where = describe_class(analysis, index) if analysis.differs else "all"
        head = f"- {inline(where)} ({plural(len(behaviour.cells), 'cell')}): " \
               f"{r.status.label}, exit {inline(str(r.exit))}, {verdicts[r.holds]}"
        if r.exception:
            head += f"; {inline(clip(r.exception, 1, 200))}"
        out.append(head + "\n")
        if r.stdout:
            out.append("\n" + code_block(clip(r.stdout, EVIDENCE_LINES, 600)) + "\n")
    for r in analysis.excluded:
        out.append(f"- {inline(r.platform)} {inline(r.tag)} {inline(r.start_method)}: {r.status.label}"
                   + (f" ({inline(clip(r.message, 1, 200))})" if r.message else "") + "\n")
    return "".join(out)


def _shown(path: Path) -> str:
    """A path as the reader knows it: relative to the repository or the current folder when it is inside one."""
    for base in (DEFAULT_CLAIMS_FILE.parents[1], Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def regenerate_command(run: Run, claims_file: Optional[str]) -> str:
    words = ["mpmatrix", "claims", *(run.sources or ["results"])]
    if claims_file:
        words += ["--claims-file", claims_file]
    return " ".join(shlex.quote(w) for w in words)


def render_claims(run: Run, claims_file: Optional[str] = None, target: Optional[Target] = None) -> str:
    path = Path(claims_file) if claims_file else DEFAULT_CLAIMS_FILE
    if claims_file or path.exists():
        claims = read_claims(path)
    else:  # an installed package has no docs/: fall back to the claim texts the cases carry
        claims = {}
    analyses = analyse(run)
    named: Dict[str, List[Result]] = {}
    for r in run.results:
        for claim_id in r.ids:
            named.setdefault(claim_id, []).append(r)
    for claim_id in sorted(named, key=claim_id_key):  # IDs a case names that the list lacks still get a section
        if claim_id not in claims:  # a case's claim text, from a results file: inert, unlike the claims list's Markdown
            claims[claim_id] = inline(next((r.claim for r in named[claim_id] if r.claim), "(not in the claims list)"))
    order = sorted(claims, key=claim_id_key)
    out = [
        "# Claims and the evidence\n\n",
        f"Regenerate with `{regenerate_command(run, claims_file)}`, after one `mpmatrix run --out DIR` per results "
        "file (every interpreter found × fork, spawn, forkserver); where cells of several runs differ, a cell is "
        "flaky, unless its case declares itself nondeterministic.\n\n",
        f"Claims from {inline(_shown(path) if claims else 'the cases')}; results from "
        f"{inline(', '.join(run.sources) or 'one run')} ({plural(len(run.results), 'cell')}"
        f"{'' if run.complete else ', incomplete: the run was interrupted'}).\n\n",
        "| ID | verdict |\n|---|---|\n",
    ]
    verdicts = {claim_id: verdict(named.get(claim_id, []), target) for claim_id in order}
    for claim_id in order:  # IDs and claim texts may come from results files: made inert like any other text
        out.append(f"| [{inline(claim_id)}](#{_anchor(claim_id)}) | {verdicts[claim_id].replace('|', '/')} |\n")
    for claim_id in order:
        out.append(f"\n## {inline(claim_id)}\n\n> {claims[claim_id]}\n\n**Verdict:** {verdicts[claim_id]}.\n")
        cases = [a for a in analyses if claim_id in a.ids]
        for analysis in cases:
            path_of = next((r.case_path for r in named[claim_id] if r.case == analysis.case), "")
            out.append(f"\n### {inline(analysis.case)} ({inline(path_of)})\n\n")
            if analysis.claim:
                out.append(f"Case claim: {inline(analysis.claim)}\n\n")
            out.append(evidence(analysis))
            out.append(varying(r for r in named[claim_id] if r.case == analysis.case))
    # Verdicts name platforms and versions read from results files: no control or bidirectional character passes.
    return escape_control("".join(out).rstrip("\n") + "\n")


def _anchor(claim_id: str) -> str:
    """The heading's anchor as GitHub makes it: lower case, only letters, digits, - and _."""
    return re.sub(r"[^\w-]", "", claim_id.lower())


def varying(results: Iterable[Result]) -> str:
    """Cells of a case declared nondeterministic whose runs disagreed: how often, and the rarer outcomes."""
    varied = [r for r in results if r.nondeterministic and len(r.observations) > 1]
    if not varied:
        return ""
    runs = sum(o["count"] for r in varied for o in r.observations)
    out = [f"\nVaried between runs in {plural(len(varied), 'cell')} ({runs} observations); the case says why: "
           f"{inline(varied[0].nondeterministic)}\n\n"]
    for r in varied:
        usual = max(r.observations, key=lambda o: o["count"])
        for o in r.observations:
            if o is usual:
                continue
            diff = difflib.unified_diff(usual["stdout"].splitlines(), o["stdout"].splitlines(), "usually", "this time", n=0, lineterm="")
            out.append(f"- {inline(r.platform)} {inline(r.tag)} {inline(r.start_method)}, "
                       f"{o['count']} of {sum(x['count'] for x in r.observations)} runs, stdout against the usual one:\n\n"
                       + code_block(clip("\n".join(list(diff)[2:]), 2 * EVIDENCE_LINES, 1200)) + "\n")
    return "".join(out)
