"""Claims report: every claim of the list in order, a verdict from the cells that name it, evidence, the cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_render_synthetic import demo_run, grid, make_run

from harness.errors import UsageError
from harness.model import Status
from harness.render.claims import DEFAULT_CLAIMS_FILE, read_claims, render_claims, verdict

CLAIMS = """# claims

| ID | claim |
|---|---|
| S1 | A queue passed to `Process` works. |
| S2 | Pool.apply with a queue raises. |
| S10 | Initializer workaround. |
| S23 | Workers end with the main process. |
"""


def claims_file(tmp_path: Path) -> str:
    path = tmp_path / "claims.md"
    path.write_text(CLAIMS, encoding="utf-8")
    return str(path)


def test_sections_in_claim_order_with_the_regenerate_command(tmp_path: Path) -> None:
    text = render_claims(demo_run(), claims_file(tmp_path))
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["S1", "S2", "S5", "S10", "S17", "S23", "S24", "S99"]  # IDs only the cases name come too
    assert text.splitlines()[2].startswith("Regenerate with `mpmatrix claims results/linux.json --claims-file ")
    s1 = text[text.index("## S1\n"):text.index("## S2\n")]
    assert "> A queue passed to `Process` works." in s1
    assert "**holds only under fork**; refuted under spawn, forkserver; not observed on win32" in s1
    assert "### process\\_queue\\_argument\\_no\\_join (cases/process\\_queue\\_argument\\_no\\_join.py)" in s1
    assert "I am Process-1, result is 42" in s1
    assert "**not observed**: no case names this claim yet" in text[text.index("## S10\n"):]


def test_verdicts() -> None:
    everywhere = grid("c", lambda p, v, m: {}, platforms=("linux", "darwin", "win32"))
    assert verdict(everywhere) == "**holds everywhere observed**"
    refuted = grid("c", lambda p, v, m: dict(holds=False))
    assert verdict(refuted) == "**refuted everywhere observed**; not observed on darwin, win32"
    by_version = grid("c", lambda p, v, m: dict(holds=v < "3.12"))
    assert verdict(by_version).startswith("**holds only under 3.11**; refuted under 3.12, 3.13")
    failing = grid("c", lambda p, v, m: dict(status=Status.FAIL, holds=True))
    assert verdict(failing).startswith("**not settled**") and "9 cells unsettled (fail" in verdict(failing)
    assert verdict([]).startswith("**not observed**")


def test_reads_the_shipped_copy_of_the_claims_list() -> None:
    claims = read_claims(DEFAULT_CLAIMS_FILE)
    assert list(claims)[:3] == ["S1", "S2", "S3"] and len(claims) == 26
    text = render_claims(make_run([]))
    assert [line for line in text.splitlines() if line.startswith("## ")][-1] == "## S26"


def test_the_claim_of_a_wider_row_is_its_second_cell(tmp_path: Path) -> None:
    path = tmp_path / "claims.md"
    path.write_text(
        "| ID | claim | section | docs |\n|---|---|---|---|\n"
        "| D7 | fds are inherited | Start methods › fork | https://docs.python.org/x.html#fork |\n"
        "| D8 | `a \\| b` stays one cell |\n",
        encoding="utf-8",
    )
    assert read_claims(path) == {"D7": "fds are inherited", "D8": "`a \\| b` stays one cell"}


def test_a_missing_claims_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the claims file"):
        render_claims(demo_run(), str(tmp_path / "nope.md"))
