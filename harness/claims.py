"""Claims files: Markdown lists of claim IDs and texts, each file one source (a blog post, the Python docs)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from harness import files
from harness.analysis import claim_id_key
from harness.errors import UsageError

CLAIMS_DIR = "claims"  # beside the cases: <project>/claims/*.md for <project>/cases/...
_ID = re.compile(r"^[A-Za-z]+\d+$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Claim:
    """One row of a claims file: its ID, its text (Markdown, as written), the `## ` section it sits in."""

    id: str
    text: str
    section: str = ""


@dataclass(frozen=True)
class ClaimsFile:
    """A claims file: its `# ` title names the source the claims come from; the claims in file order."""

    path: str
    title: str
    claims: Tuple[Claim, ...]

    def ids(self) -> List[str]:
        return [c.id for c in self.claims]


def parse_claims(text: str, path: str = "<claims>") -> ClaimsFile:
    """The title (the first `# ` heading), and every table row whose first cell is an ID (letters then digits:
    S1, D12) and whose second is the claim; header and rule rows, code blocks and HTML comments are passed over.
    An ID listed twice keeps its first row."""
    title = ""
    section = ""
    claims: Dict[str, Claim] = {}
    in_fence = False
    in_comment = False
    for line in text.splitlines():
        stripped = line.strip()
        if _FENCE.match(stripped):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if stripped.startswith("# ") and not title:
            title = stripped[2:].strip()
        elif stripped.startswith("## "):
            section = stripped[3:].strip()
        elif stripped.startswith("|"):
            cells = [c.strip() for c in _CELL_SPLIT.split(stripped.strip("|"))]
            if len(cells) >= 2 and _ID.match(cells[0]) and cells[1]:
                claims.setdefault(cells[0], Claim(cells[0], cells[1], section))
    return ClaimsFile(path, title or Path(path).stem, tuple(claims.values()))


def read_claims_file(path: str) -> ClaimsFile:
    try:
        text = files.read_text(path, files.CLAIMS_LIMIT, "claims file", "utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the claims file ({files.described(exc)}); expected a Markdown file "
                         "with a `# ` title and tables of `| ID | claim |` rows (docs/claims-files.md)") from None
    return parse_claims(text, path)


def find_claims_files(case_paths: Iterable[str]) -> List[str]:
    """The claims files beside the cases: `claims/*.md` in the nearest folder above a case that has one (the
    search stops at a repository's top, a folder holding .git). Case paths are as results files record them,
    relative to where the run was started; those not found from here are passed over."""
    found: List[str] = []
    folders = sorted({str(Path(p).parent) for p in case_paths if p})
    for folder in folders:
        directory = Path(folder)
        if not directory.is_dir():
            continue
        for ancestor in [directory, *directory.resolve().parents]:
            candidate = ancestor / CLAIMS_DIR
            if candidate.is_dir() and any(candidate.glob("*.md")):
                for path in sorted(candidate.glob("*.md")):
                    shown = _shown(path)
                    if shown not in found:
                        found.append(shown)
                break
            if (ancestor / ".git").exists():
                break
    return found


def _shown(path: Path) -> str:
    """Relative to the current folder when it is inside it: how a reader would type it, with forward slashes on
    every system (Windows takes them), so that a report reads the same whichever system wrote it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def load_claims_files(options: Optional[Sequence[str]], case_paths: Iterable[str]) -> Tuple[ClaimsFile, ...]:
    """The files given (--claims-file, repeatable), else those beside the cases, else none."""
    paths = list(options) if options else find_claims_files(case_paths)
    return tuple(read_claims_file(p) for p in paths)


@dataclass(frozen=True)
class ClaimsBook:
    """The claims of several files, each remembered with the file it came from (the first file listing an ID)."""

    files: Tuple[ClaimsFile, ...]

    def lookup(self, claim_id: str) -> Optional[Tuple[ClaimsFile, Claim]]:
        for claims_file in self.files:
            for claim in claims_file.claims:
                if claim.id == claim_id:
                    return claims_file, claim
        return None

    def group(self, ids: Iterable[str]) -> List[Tuple[Optional[ClaimsFile], List[str]]]:
        """The IDs grouped by the file that lists them, in file order and each file's row order; IDs no file lists
        come last, under None."""
        wanted = set(ids)
        groups: List[Tuple[Optional[ClaimsFile], List[str]]] = []
        listed = set()
        for claims_file in self.files:
            own = [i for i in claims_file.ids() if i in wanted and i not in listed]
            listed.update(own)
            if own:
                groups.append((claims_file, own))
        rest = sorted(wanted - listed, key=claim_id_key)
        if rest:
            groups.append((None, rest))
        return groups
