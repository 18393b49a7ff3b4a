"""The explorer page in a real browser: headless Chromium, driven by Playwright, network blocked.

Every request the page makes is recorded and anything but ``file:`` or ``data:`` is aborted;
the tests then read what vis-network actually drew and what the evidence panel shows.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import require

from kg.network import to_networkx
from kg.viz import explorer_html, render_explorer

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = "<img src=x onerror=alert(1)>"


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    require(executable, "Chromium not found: install Debian's chromium to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        require(False, "the playwright package is missing: pip install '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A page opened from a file, with what it requested, logged and alerted."""

    def __init__(self, browser: Any, path: Path, *, settle: bool = True) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        # The page's Content-Security-Policy forbids eval, which Playwright's evaluate needs;
        # bypassing it also shows that escaping alone keeps curated markup inert.
        # test_content_security_policy_lets_the_page_run checks the page under its policy.
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900}, bypass_csp=settle
        )
        self.page = self.context.new_page()
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        if settle:
            self.page.wait_for_function(
                "window.kgExplorer && window.kgExplorer.settled", timeout=120_000
            )

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def eval(self, script: str, arg: object = None) -> Any:
        return self.page.evaluate(script, arg)

    def hover_node(self, node_id: str) -> None:
        self._hover("(id) => kgExplorer.network.getPosition(id)", node_id)

    def hover_edge(self, edge_id: str) -> None:
        # the middle of the drawn (curved) edge, from vis-network's own geometry
        self._hover(
            "(id) => { const e = kgExplorer.network.body.edges[id];"
            " return e.edgeType.getPoint(0.5, e.edgeType.getViaNode()); }",
            edge_id,
        )

    def _hover(self, locate: str, item: str) -> None:
        point = self.eval(
            f"(item) => {{ const p = ({locate})(item);"
            " return kgExplorer.network.canvasToDOM({x: p.x, y: p.y}); }",
            item,
        )
        box = self.page.locator("#kg-network").bounding_box()
        self.page.mouse.move(box["x"] + point["x"] + 40, box["y"] + point["y"] + 40)
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=4)
        self.page.wait_for_timeout(400)

    def panel(self) -> str:
        return str(self.page.locator("#kg-evidence").inner_text())

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def full_page(
    browser: Any, curation: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_bytes(explorer_html(curation))
    page = Page(browser, path)
    yield page
    page.close()


def test_page_loads_offline_without_errors_or_outside_requests(full_page, tmp_path):
    assert full_page.errors == []
    outside = [url for url in full_page.requests if not url.startswith(("file:", "data:"))]
    assert outside == []
    full_page.page.screenshot(path=str(tmp_path / "explorer.png"))
    artifacts = os.environ.get("KG_TEST_ARTIFACTS")
    if artifacts:  # CI keeps the screenshot for the test report
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "explorer.png", Path(artifacts) / "explorer.png")
    assert (tmp_path / "explorer.png").stat().st_size > 10_000


def test_content_security_policy_lets_the_page_run(browser, curation, tmp_path):
    path = tmp_path / "explorer.html"
    path.write_bytes(explorer_html(curation))
    page = Page(browser, path, settle=False)
    try:
        status = page.page.locator("#kg-status")
        status.filter(has_not_text="arranging").wait_for(timeout=120_000)
        assert status.inner_text().startswith(f"{len(curation.entities)} entities")
        assert page.errors == []
        assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    finally:
        page.close()


def test_every_entity_and_statement_is_drawn(full_page, curation):
    view = to_networkx(curation, include_hypotheses=True)
    drawn = full_page.eval(
        "() => ({nodes: kgExplorer.network.body.nodeIndices.length,"
        " edges: kgExplorer.network.body.edgeIndices.length,"
        " statements: kgExplorer.edges.get().reduce((n, e) => n + e.evidence.length, 0)})"
    )
    assert drawn["nodes"] == view.number_of_nodes() == len(curation.entities)
    assert drawn["edges"] == view.number_of_edges()
    assert drawn["statements"] == len(curation.statements)


def test_layout_settles_and_then_holds_still(full_page):
    assert full_page.eval("() => kgExplorer.network.physics.physicsEnabled") is False
    before = full_page.eval("() => kgExplorer.network.getPositions()")
    full_page.page.wait_for_timeout(500)
    assert full_page.eval("() => kgExplorer.network.getPositions()") == before
    settle_ms = full_page.eval("() => kgExplorer.settleMs")
    print(f"layout settled in {settle_ms:.0f} ms")  # reported, never asserted


def test_search_finds_anakinra_and_shows_its_evidence(full_page):
    full_page.page.fill("#kg-search-input", "IL-1 inhibitor anakinra")  # a synonym
    full_page.page.press("#kg-search-input", "Enter")
    assert full_page.eval("() => kgExplorer.focused") == "anakinra"
    assert full_page.eval("() => kgExplorer.network.getSelectedNodes()") == ["anakinra"]
    panel = full_page.panel()
    assert panel.splitlines()[0] == "anakinra"
    assert "Drug" in panel
    assert "drugbank:DB00026" in panel
    href = full_page.page.locator("#kg-evidence a", has_text="DB00026").get_attribute("href")
    assert href == "https://bioregistry.io/drugbank:DB00026"


def test_hovering_a_node_shows_its_label_category_and_synonyms(full_page):
    full_page.page.click("#kg-fit")
    full_page.hover_node("il-6")
    panel = full_page.panel()
    assert panel.splitlines()[0] == "IL-6"
    assert "Cytokine" in panel
    assert "interleukin-6" in panel.lower()


def test_hovering_an_edge_shows_quote_source_and_numbers(full_page):
    edge = full_page.eval(
        "() => kgExplorer.edges.get().find(e => e.from === 'anakinra'"
        " && e.evidence.some(ev => ev.numbers.startsWith('HR 0.22'))).id"
    )
    full_page.eval("(id) => kgExplorer.network.focus(id, {scale: 1})", edge.split("|")[0])
    full_page.hover_edge(edge)
    panel = full_page.panel()
    assert "HR 0.22 (95% CI 0.11–0.41)" in panel
    assert "anakinra significantly reduced" in panel
    assert "Cron" in panel
    assert "ECO:0000180" in panel


def test_hypotheses_are_drawn_dashed_and_explained(full_page):
    styles = full_page.eval(
        "() => kgExplorer.edges.get().filter(e => e.modality !== 'asserted')"
        ".map(e => [e.modality, e.dashes !== false, e.label])"
    )
    assert {m for m, _, _ in styles} >= {"hypothesised", "recommended_against", "negative"}
    assert all(dashed for _, dashed, _ in styles)
    assert any(label.startswith("hypothesis: ") for m, _, label in styles if m == "hypothesised")
    legend = full_page.page.locator("aside").inner_text()
    assert "recommended against" in legend and "hypothesised" in legend


def test_category_filter_hides_a_category(full_page):
    box = full_page.page.locator("input.kg-filter[value=Cytokine]")
    box.uncheck()
    visible = full_page.eval(
        "() => kgExplorer.nodes.get({filter: n => !n.hidden}).map(n => n.category)"
    )
    assert "Cytokine" not in visible and "Drug" in visible
    box.check()
    assert full_page.eval("() => kgExplorer.nodes.get({filter: n => n.hidden}).length") == 0


def test_markup_from_curation_shows_as_text_and_runs_nothing(browser, curation, tmp_path):
    entity = curation.entity("anakinra")
    evil = dataclasses.replace(entity, label=XSS, synonyms=("</script><script>alert(2)</script>",))
    poisoned = dataclasses.replace(
        curation,
        entities=tuple(evil if e.id == "anakinra" else e for e in curation.entities),
    )
    path = tmp_path / "xss.html"
    html = render_explorer(
        to_networkx(poisoned, include_hypotheses=True),
        title=f"<script>alert(3)</script>{XSS}",
        note=XSS,
    )
    path.write_text(html, encoding="utf-8")
    page = Page(browser, path)
    try:
        assert page.errors == []
        page.page.fill("#kg-search-input", XSS)
        page.page.press("#kg-search-input", "Enter")
        page.page.wait_for_timeout(300)
        assert page.eval("() => kgExplorer.focused") == "anakinra"
        assert page.panel().splitlines()[0] == XSS
        assert page.page.locator("h1").inner_text() == f"<script>alert(3)</script>{XSS}"
        assert page.eval("() => document.querySelectorAll('img').length") == 0
        assert page.dialogs == []
        assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    finally:
        page.close()
