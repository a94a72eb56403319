"""Claims report: the claims the results' cases name, by claims file, each with its verdict, evidence and cases."""

from __future__ import annotations

import difflib
import html
import os
import re
import shlex
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from harness.analysis import CaseAnalysis, analyse, describe_class, plural
from harness.claims import ClaimsBook, load_claims_files
from harness.model import Layout, Result, Run
from harness.render.markdown import clip, code_block, inline, source_text
from harness.render.terminal import claim_words, escape_control, places
from harness.target import Target
from harness.verdicts import common_missing, results_by_claim, summarize

EVIDENCE_LINES = 6


def evidence(analysis: CaseAnalysis) -> str:
    """Each behaviour of a case, short: where, how it ended, and the first lines of its output."""
    out: List[str] = []
    for index, behaviour in enumerate(analysis.classes):
        r = behaviour.representative
        where = describe_class(analysis, index) if analysis.differs else "all"
        head = f"- {inline(where)} ({plural(len(behaviour.cells), 'cell')}): " \
               f"{r.status.label}, exit {inline(str(r.exit))}, {claim_words(r)}"
        if r.judged.exception:
            head += f"; {inline(clip(r.judged.exception, 1, 200))}"
        out.append(head + "\n")
        if r.judged.stdout:
            out.append("\n" + code_block(clip(r.judged.stdout, EVIDENCE_LINES, 600)) + "\n")
    # cells that show no behaviour (skip, unsupported, flaky), one line per status and reason: a case that needs
    # a package skips every cell with the same message
    groups: Dict[Tuple[str, str], List[Result]] = {}
    for r in analysis.excluded:
        groups.setdefault((r.status.label, r.judged.message), []).append(r)
    total = len(analysis.excluded) + sum(len(behaviour.cells) for behaviour in analysis.classes)
    for (label, message), cells in groups.items():
        where = "every cell" if len(cells) == total else places(cells, analysis.layout)
        out.append(f"- {inline(where)} ({plural(len(cells), 'cell')}): {label}"
                   + (f" ({inline(clip(message, 1, 200))})" if message else "") + "\n")
    return "".join(out)


def _verdict(text: str) -> str:
    """A verdict line made inert in Markdown: it names interpreters, builds and variants read from results files, so
    no line break (a forged heading) and no HTML pass; its own **strong** marks stay."""
    return html.escape(" ↵ ".join(text.splitlines()), quote=False)  # every line break str.splitlines() knows


def regenerate_command(run: Run, claims_files: Sequence[str] = ()) -> str:
    """The command as a shell takes it; paths with forward slashes on every system (on Windows a backslash would
    be quoted as for a POSIX shell, which cmd.exe does not read)."""
    words = ["mpmatrix", "claims", *(run.sources or ["results"])]
    for path in claims_files:
        words += ["--claims-file", path]
    return " ".join(shlex.quote(_forward(w)) for w in words)


def _forward(word: str) -> str:
    return word.replace("\\", "/") if os.sep == "\\" else word


def render_claims(run: Run, claims_files: Optional[Sequence[str]] = None, target: Optional[Target] = None) -> str:
    """The claims the results' cases name, grouped by the claims file that lists them (its title names the source:
    a blog post, the Python docs), each with its verdict, evidence and cases. Without --claims-file, the claims
    files beside the cases are read (claims/*.md), else the claim texts come from the cases."""
    if isinstance(claims_files, str):
        claims_files = [claims_files]
    book = ClaimsBook(load_claims_files(claims_files, (r.case.path for r in run.results)))
    analyses = analyse(run)
    named = results_by_claim(run.results)
    out = [
        "# Claims and the evidence\n\n",
        f"Regenerate with `{regenerate_command(run, claims_files or ())}`, after one `mpmatrix run --out DIR` per results "
        "file (every interpreter found × fork, spawn, forkserver); where cells of several runs differ, a cell is "
        "flaky, unless its case declares itself nondeterministic.\n\n",
        f"Results from {inline(', '.join(run.sources) or 'one run')} ({plural(len(run.results), 'cell')}"
        f"{'' if run.complete else ', incomplete: the run was interrupted'}); claims from "
        f"{', '.join(inline(f.path) for f in book.files) or 'the cases (no claims file)'}.\n",
    ]
    verdicts = {claim_id: summarize(results, target, run.layout) for claim_id, results in named.items()}
    said = common_missing(verdicts.values())
    if said:
        others = sum(1 for v in verdicts.values() if v.missing and v.missing != said)
        which = "every claim below" if not others else "most claims below (the lines of the others say what they lack)"
        out.append(f"\nNot observed for {which}: {inline(said)}.\n")
    for claims_file, ids in book.group(named):
        if claims_file is not None:
            out.append(f"\n## {claims_file.title}\n\nClaims from {inline(claims_file.path)}.")
            unnamed = [i for i in claims_file.ids() if i not in named]
            if unnamed:  # a list partly run (or partly encoded): its other claims are only named
                out.append(f" No case in these results names {', '.join(inline(i) for i in unnamed)}.")
            out.append("\n\n")
        else:
            heading = "Claims in no claims file" if book.files else "Claims"
            note = "IDs the cases name that no claims file lists; the claim text is the case's." if book.files \
                else "No claims file (claims/*.md beside the cases, or --claims-file): the claim text is the case's."
            out.append(f"\n## {heading}\n\n{note}\n\n")
        out.append("| ID | verdict |\n|---|---|\n")
        for claim_id in ids:  # IDs and claim texts may come from results files: made inert like any other text
            out.append(f"| [{inline(claim_id)}](#{_anchor(claim_id)}) | {_verdict(verdicts[claim_id].text(strong=True, said=said)).replace('|', '/')} |\n")
        for claim_id in ids:
            found = book.lookup(claim_id) if claims_file is not None else None
            # a claims file's text is the project's own Markdown; a case's claim, from a results file, is made inert
            text = found[1].text if found else inline(next((r.case.claim for r in named[claim_id] if r.case.claim), "(no claim text)"))
            summary = verdicts[claim_id]
            out.append(f"\n### {inline(claim_id)}\n\n> {text}\n\n**Verdict:** {_verdict(summary.text(strong=True, said=said))}.\n")
            for reason in summary.known_bugs:
                out.append(f"\nKnown bug: {inline(reason)}\n")
            for analysis in (a for a in analyses if claim_id in a.ids):
                path_of = next((r.case.path for r in named[claim_id] if r.case.name == analysis.case), "")
                out.append(f"\n#### {inline(analysis.case)} ({inline(path_of)})\n\n")
                if analysis.claim:
                    out.append(f"Case claim: {inline(analysis.claim)}\n\n")
                if analysis.source:
                    out.append(f"Source: {source_text(analysis.source)}\n\n")
                out.append(evidence(analysis))
                out.append(varying((r for r in named[claim_id] if r.case.name == analysis.case), run.layout))
    # Verdicts name platforms and versions read from results files: no control or bidirectional character passes.
    return escape_control("".join(out).rstrip("\n") + "\n")


def _anchor(claim_id: str) -> str:
    """The heading's anchor as GitHub makes it: lower case, only letters, digits, - and _."""
    return re.sub(r"[^\w-]", "", claim_id.lower())


def varying(results: Iterable[Result], layout: Layout) -> str:
    """Cells of a case declared nondeterministic whose runs disagreed: how often, and the rarer outcomes."""
    varied = [r for r in results if r.case.nondeterministic and len(r.judged.observations) > 1]
    if not varied:
        return ""
    runs = sum(o["count"] for r in varied for o in r.judged.observations)
    out = [f"\nVaried between runs in {plural(len(varied), 'cell')} ({runs} observations); the case says why: "
           f"{inline(varied[0].case.nondeterministic)}\n\n"]
    for r in varied:
        usual = max(r.judged.observations, key=lambda o: o["count"])
        for o in r.judged.observations:
            if o is usual:
                continue
            diff = difflib.unified_diff(usual["stdout"].splitlines(), o["stdout"].splitlines(), "usually", "this time", n=0, lineterm="")
            out.append(f"- {inline(r.cell.platform_tag)} {inline(layout.tag(r.cell))} {inline(r.cell.start_method)}, "
                       f"{o['count']} of {sum(x['count'] for x in r.judged.observations)} runs, stdout against the usual one:\n\n"
                       + code_block(clip("\n".join(list(diff)[2:]), 2 * EVIDENCE_LINES, 1200)) + "\n")
    return "".join(out)
