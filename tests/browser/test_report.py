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
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            # No name resolves, so nothing could be fetched even past the route below.
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        yield browser
        browser.close()


def open_report(browser, **options):
    """The report loaded with every request refused; what it requested and what failed."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}, **options)
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
    return page, requests, errors


@pytest.fixture(scope="module")
def session(browser):
    """One page for the tests that only read it."""
    return open_report(browser)


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


def apps_index(page):
    return page.locator("section#apps table[data-filter]")


def scores(page):
    return [float(t) for t in apps_index(page).locator("tbody tr:visible td:nth-child(4)").all_inner_texts()]


def test_a_column_heading_sorts_its_table_both_ways(browser):
    page, _, errors = open_report(browser)
    index = apps_index(page)
    score = index.locator("thead th").nth(3)
    score.get_by_role("button").click()
    assert score.get_attribute("aria-sort") == "ascending"
    assert scores(page) == sorted(scores(page))
    score.get_by_role("button").press("Enter")  # a button: reached and pressed by keyboard too
    assert score.get_attribute("aria-sort") == "descending"
    assert scores(page) == sorted(scores(page), reverse=True)
    # Only the sorted column says so.
    assert index.locator("thead th[aria-sort]").count() == 1
    assert errors == []


def test_the_filter_box_keeps_the_rows_that_hold_every_word(browser):
    page, _, errors = open_report(browser)
    index = apps_index(page)
    total = index.locator("tbody tr").count()
    name = SNAPSHOT["apps"][0]["name"]
    page.get_by_label("Filter the apps").fill(name.upper())
    shown = index.locator("tbody tr:visible")
    assert name in shown.all_inner_texts()[0]
    assert all(name in row for row in shown.all_inner_texts())
    assert page.locator("section#apps div.filter output").inner_text().strip() == f"{shown.count()} of {total} rows"
    page.get_by_label("Filter the apps").fill("")
    assert index.locator("tbody tr:visible").count() == total
    assert errors == []


def test_without_script_the_page_has_no_controls_and_every_row(browser):
    page, requests, errors = open_report(browser, java_script_enabled=False)
    assert page.locator("button.sort, div.filter").count() == 0
    assert apps_index(page).locator("tbody tr").count() == len(SNAPSHOT["apps"])
    assert requests == [] and errors == []


def test_no_script_but_the_reports_own_may_run(browser):
    page, _, errors = open_report(browser)
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.injected = true';
            document.body.appendChild(s);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in e for e in errors)
