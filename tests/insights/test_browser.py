"""The insights page in Debian's Chromium: refused without the token, the numbers with
it, axe-core finds no WCAG 2.2 AA violation, keyboard use, target sizes, a screenshot."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from project import PROJECT_ROOT
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.insights.pages import shown
from tests.insights.seed import EXPECTED
from tests.insights.server import Site

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
MIN_TARGET = 24
TARGETS = "a, button, input, select"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get update && apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in(browser: Browser, site: Site, bypass_csp: bool = False) -> Page:
    """A fresh browser that opened the link with the token, as staff do."""
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp)
    page = context.new_page()
    page.goto(f"{site.url}/?token={site.token}")
    expect(page).to_have_url(f"{site.url}/")
    return page


def summary_value(page: Page, measure: str) -> str:
    row = page.locator("#summary tr").filter(has=page.get_by_role("rowheader", name=measure))
    return row.get_by_role("cell").inner_text()


def test_refused_without_the_token(browser: Browser, site: Site) -> None:
    page = browser.new_page()
    response = page.goto(site.url + "/")
    assert response is not None and response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in needed")
    expect(page.locator("table")).to_have_count(0)
    page.close()


def test_the_link_shows_the_stored_numbers(browser: Browser, site: Site) -> None:
    page = signed_in(browser, site)
    for measure, value in EXPECTED.items():
        assert summary_value(page, measure) == shown(value), measure
    page.get_by_label("Channel").select_option("twilio")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{site.url}/?from={page.url.split('from=')[1]}")
    assert summary_value(page, "Conversations") == "1"
    page.context.close()


def test_no_content_security_policy_violations(browser: Browser, site: Site) -> None:
    page = signed_in(browser, site)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    for path in ("/", "/gaps", "/conversations"):
        page.goto(site.url + path)
    background = page.locator("header.site").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(15, 47, 85)"  # the stylesheet applies under the policy
    assert not [m for m in messages if "Content Security Policy" in m], messages
    page.context.close()


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    assert results["passes"], "axe checked nothing"
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
    ]


def test_axe_finds_no_wcag_22_aa_violations(browser: Browser, site: Site) -> None:
    # axe is injected as an inline script, which the page's policy forbids.
    page = signed_in(browser, site, bypass_csp=True)
    page.get_by_role("link", name="Conversations", exact=True).click()
    transcript = page.locator("#conversations a").first.get_attribute("href")
    for path in ("/", "/gaps", "/conversations", transcript, "/no-such-page"):
        page.goto(f"{site.url}{path}")
        violations = axe_violations(page)
        assert violations == [], f"{path}: {json.dumps(violations, indent=2)}"
    page.context.close()


def test_keyboard_and_target_sizes(browser: Browser, site: Site) -> None:
    page = signed_in(browser, site)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    assert skip.is_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Overview")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    # Every link and control is at least 24 x 24 CSS pixels (WCAG 2.5.8).
    for path in ("/", "/gaps", "/conversations"):
        page.goto(site.url + path)
        for target in page.locator(TARGETS).all():
            if not target.is_visible():
                continue
            box = target.bounding_box()
            assert box is not None
            assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (
                path,
                target.evaluate("e => e.outerHTML"),
                box,
            )
    page.context.close()


def test_page_in_chromium(browser: Browser, demo_site: Site) -> None:
    """The overview of 3,000 synthetic conversations, for docs/insights.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = signed_in(browser, demo_site)
    page.set_viewport_size({"width": 1280, "height": 1500})
    expect(page.locator("svg.chart").first).to_be_visible()
    assert int(summary_value(page, "Conversations")) > 2000
    page.screenshot(path=str(ARTIFACTS / "insights.png"))
    page.goto(demo_site.url + "/gaps")
    expect(page.get_by_role("heading", name="Examples by theme")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "insights-gaps.png"))
    page.context.close()
