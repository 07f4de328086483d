"""The posture report in a real browser, offline: what a reader sees loads with nothing
fetched and nothing broken, and passes axe-core's serious and critical rules."""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPORT = Path(os.environ["REPORT"])
SNAPSHOT = json.loads(Path(os.environ["SNAPSHOT"]).read_text())
ARTIFACTS = Path(os.environ["ARTIFACTS"])
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def session():
    """One browser, one page: the report loaded with every request refused."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            # No name resolves, so nothing could be fetched even past the route below.
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        requests, errors = [], []
        url = REPORT.as_uri()

        def refuse(route):
            # The file itself is the one thing read.
            if route.request.url == url:
                route.continue_()
                return
            requests.append(route.request.url)
            route.abort()

        context.route("**/*", refuse)
        page = context.new_page()
        page.on("request", lambda r: r.url != url and requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="load")
        yield page, requests, errors
        browser.close()


def test_nothing_is_requested_and_nothing_fails(session):
    page, requests, errors = session
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    page.locator("#heatmap").screenshot(path=str(ARTIFACTS / "heatmap.png"))
    assert requests == []
    assert errors == []


def test_every_internal_link_resolves(session):
    page, _, _ = session
    broken = page.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1))
            .filter(id => !document.getElementById(id))"""
    )
    links = page.locator('a[href^="#"]').count()
    assert links > 50
    assert broken == []


def test_the_heatmap_has_one_cell_per_app_and_family(session):
    page, _, _ = session
    families = {(c["standard"], c.get("family")) for c in SNAPSHOT["clauses"]}
    apps = len(SNAPSHOT["apps"])
    assert page.locator("table.heat thead th").count() == len(families) + 1
    assert page.locator("table.heat tbody tr:not(.unit)").count() == apps
    assert page.locator("table.heat td.cell").count() == apps * len(families)


def test_every_app_has_its_section(session):
    page, _, _ = session
    # acme's names need no escaping in an id.
    missing = [a["name"] for a in SNAPSHOT["apps"] if page.locator(f"section.app#app-{a['name']}").count() != 1]
    assert missing == []


def test_no_serious_or_critical_accessibility_violation(session):
    page, _, _ = session
    # Evaluated by the driver, not injected as a script tag: the report's CSP forbids those.
    page.evaluate(AXE.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
