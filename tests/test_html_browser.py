"""The HTML report in headless Chromium: the grid and its status classes in the live DOM, injected markup inert."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, List

import pytest
from test_render_synthetic import demo_run

from harness.render.html import render

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "report-screenshot.png"


def chromium(*args: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium chromium-driver)")
    with tempfile.TemporaryDirectory(prefix="mpmatrix-chromium-") as profile:
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=90)


class Dom(HTMLParser):
    """Elements of the DOM Chromium serialized after running the page's script."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: List[Dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.elements.append(dict(attrs, tag=tag))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(demo_run()), encoding="utf-8")
    return path


def test_live_dom_has_the_grid_and_no_injected_script(page: Path) -> None:
    result = chromium("--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = Dom()
    dom.feed(result.stdout)
    tables = [e for e in dom.elements if e["tag"] == "table" and e.get("id") == "grid"]
    assert len(tables) == 1
    cells = [e for e in dom.elements if e["tag"] == "td" and "data-status" in e]
    assert len(cells) == len(demo_run().results)
    assert {c["data-status"] for c in cells} >= {"pass", "fail", "recorded", "unsupported", "skip", "timeout", "crash", "flaky", "error"}
    assert all(f"s-{c['data-status']}" in c["class"] for c in cells)
    assert [e["tag"] for e in dom.elements].count("script") == 1  # the page's own; the case's is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout


def test_a_cell_link_opens_the_details_panel(page: Path) -> None:
    """Links to a cell are stable names (the case and the cell's identifier), so a link kept from one report opens
    the same cell in the next."""
    anchor = "cell-process_queue_argument-linux-3.12-spawn"
    assert f'id="{anchor}"' in page.read_text(encoding="utf-8")
    result = chromium("--dump-dom", page.as_uri() + "#" + anchor)
    dom = Dom()
    dom.feed(result.stdout)
    panel = [e for e in dom.elements if e.get("id") == "panel"][0]
    assert "hidden" not in panel  # the script showed it
    assert '<div id="panel-body"><div class="cell-detail"' in result.stdout


def test_screenshot(page: Path) -> None:
    shot = page.parent / "report.png"
    result = chromium("--window-size=1400,900", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
    if os.environ.get("MPMATRIX_UPDATE_SCREENSHOT") == "1":  # the README's picture, refreshed on request
        shutil.copyfile(shot, SCREENSHOT)


def test_the_toggle_switches_between_the_verdict_and_the_status_view(page: Path) -> None:
    def body_and_buttons(path: Path, query: str = "") -> Dict[str, Any]:
        result = chromium("--dump-dom", path.as_uri() + query)
        assert result.returncode == 0, result.stderr[-2000:]
        dom = Dom()
        dom.feed(result.stdout)
        body = [e for e in dom.elements if e["tag"] == "body"][0]
        pressed = {e["data-view"]: e["aria-pressed"] for e in dom.elements if e["tag"] == "button" and "data-view" in e}
        views = [e for e in dom.elements if e.get("class") == "views"][0]
        return {"body": body["class"], "pressed": pressed, "toggle hidden": "hidden" in views,
                "refuted cell": body.get("data-colour")}

    assert body_and_buttons(page) == {"body": "view-verdict", "pressed": {"verdict": "true", "status": "false"},
                                      "toggle hidden": False, "refuted cell": None}  # the script showed the toggle

    def with_script(name: str, script: str) -> Path:
        """The page, and a script of the test's own at its end (after the page's)."""
        path = page.parent / name
        path.write_text(page.read_text(encoding="utf-8").replace("</body>", f"<script>{script}</script></body>"), encoding="utf-8")
        return path

    colour = ("document.body.setAttribute('data-colour', "
              "getComputedStyle(document.querySelector('td.s-pass.v-refuted')).backgroundColor);")
    assert body_and_buttons(with_script("verdict.html", colour))["refuted cell"] == "rgb(201, 42, 42)"  # red: refuted
    clicked = body_and_buttons(with_script("clicked.html", "document.querySelector('button[data-view=\"status\"]').click();" + colour))
    assert clicked == {"body": "view-status", "pressed": {"verdict": "false", "status": "true"}, "toggle hidden": False,
                       "refuted cell": "rgb(47, 158, 68)"}  # green: the cell passed
    assert body_and_buttons(page, "?view=status")["body"] == "view-status"


def test_screenshots_of_both_views(page: Path) -> None:
    for view in ("verdict", "status"):
        shot = page.parent / f"report-{view}.png"
        result = chromium("--window-size=1400,900", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri() + f"?view={view}")
        assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]


def test_a_cells_panel_gives_its_cases_explanation(tmp_path: Path) -> None:
    """Why the case shows what it shows (its docstring) is a click away: the panel of any of its cells shows it."""
    from test_render_synthetic import grid, make_run

    case = Path(__file__).resolve().parents[1] / "cases" / "python-docs" / "zombie_unjoined.py"
    results = grid("zombie_unjoined", lambda p, v, m: dict(stdout="x\n"), pythons=("3.12",), case_path=str(case))
    page = tmp_path / "report.html"
    page.write_text(render(make_run(results)), encoding="utf-8")
    result = chromium("--dump-dom", page.as_uri() + "#cell-zombie_unjoined-linux-3.12-fork")
    panel = result.stdout[result.stdout.index('<aside id="panel"'):]
    assert "Why this case shows what it shows" in panel and "is a zombie of the program, except under forkserver" in panel
