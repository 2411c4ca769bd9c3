"""The chat widget in Debian's Chromium against the real Rasa and action servers.

Covers the issue's flows: typing a question, a quick reply, reload, the
offline state across a Rasa restart, keyboard-only use, a patient's vote on an
answer (and how it is stored), axe-core WCAG 2.2 AA, 24 px targets, the panel never
hiding the focused page element, inert markup, layouts at 375 px, 320 px and 200 %
zoom, and the reply latency. The Rasa restart test runs last: it is the slowest and
leaves a new server.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from actions.content import load_content
from project import PROJECT_ROOT
from tests.browser.site import DESKTOP, INJECTION, Site
from tests.browser.widget import Widget

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TARGET_PX = 24  # WCAG 2.2, 2.5.8 Target Size (Minimum)
MAX_REPLY_MS = 1000
QUESTION = "What is a spine MRI?"
ASKED = "what_is_spine_mri"


def answer(topic_id: str) -> str:
    content = load_content()
    return content.answer_text(content.topics[topic_id])


def topic_titled(title: str) -> str:
    return next(t.id for t in load_content().topics.values() if t.title == title)


def expect_answer_with_disclaimer(bubble: Locator, topic_id: str) -> None:
    for line in answer(topic_id).split("\n"):
        expect(bubble).to_contain_text(line)
    expect(bubble.locator(".smc-disclaimer")).to_have_text(load_content().disclaimer)


def open_and_greet(page: Page, site: Site) -> Widget:
    page.goto(site.url)
    widget = Widget(page)
    widget.open()
    expect(widget.input).to_be_focused()
    widget.wait_for_bot_messages(1)
    expect(widget.quick_replies.first).to_be_visible()
    return widget


def test_question_quick_reply_and_reload(page: Page, site: Site, artifacts: Path) -> None:
    widget = open_and_greet(page, site)
    expect(widget.bot_messages.first.locator(".smc-disclaimer")).to_have_text(
        load_content().disclaimer
    )

    widget.start_reply_timing()
    reply = widget.ask(QUESTION)
    latency = widget.reply_latency_ms()
    (artifacts / "reply-latency.json").write_text(json.dumps({"first_reply_ms": latency}))
    expect_answer_with_disclaimer(reply, "what_is_spine_mri")
    assert latency <= MAX_REPLY_MS, f"first reply took {latency:.0f} ms"

    choice = widget.quick_replies.first
    title = choice.inner_text()
    choice.click()
    expect(widget.user_messages.last).to_contain_text(title)
    expect_answer_with_disclaimer(widget.wait_for_bot_messages(3), topic_titled(title))

    transcript = widget.log.inner_text()
    page.reload()
    expect(widget.dialog).to_be_visible()
    expect(widget.bot_messages).to_have_count(3)
    assert widget.log.inner_text() == transcript
    expect_answer_with_disclaimer(widget.ask(QUESTION), "what_is_spine_mri")


def test_keyboard_only(page: Page, site: Site) -> None:
    page.goto(site.url)
    widget = Widget(page)
    for _ in range(20):
        page.keyboard.press("Tab")
        if widget.focused_name() == "Spine MRI questions":
            break
    expect(widget.launcher).to_be_focused()
    assert widget.focus_ring_visible()

    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    assert widget.focus_ring_visible()
    widget.wait_for_bot_messages(1)
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect_answer_with_disclaimer(widget.wait_for_bot_messages(2), "what_is_spine_mri")

    titles = widget.quick_replies.all_inner_texts()
    for _ in range(len(titles) + 1):
        page.keyboard.press("Shift+Tab")
        if widget.focused_name() in titles:
            break
    title = widget.focused_name()
    assert title in titles, "Shift+Tab from the input never reached a quick reply"
    assert widget.focus_ring_visible()
    page.keyboard.press("Enter")
    expect(widget.user_messages.last).to_contain_text(title)
    expect_answer_with_disclaimer(widget.wait_for_bot_messages(3), topic_titled(title))
    expect(widget.input).to_be_focused()

    page.keyboard.press("Escape")
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    expect(widget.bot_messages).to_have_count(3)


def test_axe_reports_no_wcag_22_aa_violations(browser: Browser, site: Site) -> None:
    """On the open widget with an answer, a "no" vote and its reasons showing."""
    # axe is injected as an inline script, which the demo page's CSP forbids.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    try:
        page = context.new_page()
        widget = open_and_greet(page, site)
        widget.ask(QUESTION)
        widget.feedback.get_by_role("button", name="Not helpful").click()
        expect(widget.reasons).to_be_visible()
        widget.wait_for_bot_messages(3)
        widget.input.fill("a draft")
        widget.send_button.focus()
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
        )
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
        ]
        assert violations == [], json.dumps(violations, indent=2)
        assert results["passes"], "axe checked nothing"
    finally:
        context.close()


def stored_votes(site: Site, conversation_of: dict) -> tuple[str, list[dict]]:
    """The entities of every stored vote of the conversation that has the vote
    `conversation_of`, waiting for that vote: Rasa stores a turn after sending its replies."""
    deadline = time.monotonic() + 20
    while True:
        with sqlite3.connect(site.stack.tracker_db) as db:
            rows = db.execute(
                "SELECT sender_id, data FROM events WHERE intent_name = 'feedback' ORDER BY id"
            ).fetchall()
        votes = [
            (sender, {e["entity"]: e["value"] for e in json.loads(data)["parse_data"]["entities"]})
            for sender, data in rows
        ]
        senders = {sender for sender, entities in votes if entities == conversation_of}
        if senders or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    (conversation,) = senders
    return conversation, [entities for sender, entities in votes if sender == conversation]


def stored_replies(site: Site, conversation: str) -> list[tuple[str, dict]]:
    """(text, metadata) of every bot message of a stored conversation."""
    with sqlite3.connect(site.stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
            (conversation,),
        ).fetchall()
    return [(json.loads(data)["text"], json.loads(data)["metadata"]) for (data,) in rows]


def test_a_patient_votes_on_an_answer_by_keyboard_and_the_vote_is_stored(
    page: Page, site: Site
) -> None:
    widget = open_and_greet(page, site)
    expect(widget.feedback).to_have_count(0)  # the greeting is not a document answer
    widget.ask(QUESTION)
    up = widget.feedback.get_by_role("button", name="Helpful", exact=True)
    down = widget.feedback.get_by_role("button", name="Not helpful")
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "false")
    expect(widget.reasons).to_be_hidden()

    widget.input.focus()
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if widget.focused_name() == "Not helpful":
            break
    expect(down).to_be_focused()
    assert widget.focus_ring_visible()
    page.keyboard.press("Enter")
    expect(down).to_have_attribute("aria-pressed", "true")
    thanks = widget.wait_for_bot_messages(3)
    expect(thanks).to_contain_text(load_content().message("feedback_thanks"))
    expect(thanks.locator(".smc-disclaimer")).to_have_text(load_content().disclaimer)
    expect(down).to_be_focused()
    expect(widget.quick_replies).to_have_count(len(load_content().topics[ASKED].related))

    expect(widget.reasons).to_be_visible()
    page.keyboard.press("Tab")
    unclear = widget.reasons.get_by_role("button", name="Unclear")
    expect(unclear).to_be_focused()
    page.keyboard.press("Space")
    expect(unclear).to_have_attribute("aria-pressed", "true")
    widget.wait_for_bot_messages(4)
    expect(widget.user_messages).to_have_count(1)  # votes are not shown as messages

    page.reload()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(unclear).to_have_attribute("aria-pressed", "true")

    reason = {"feedback_topic": ASKED, "feedback_value": "down", "feedback_reason": "unclear"}
    conversation, votes = stored_votes(site, reason)
    assert votes == [{"feedback_topic": ASKED, "feedback_value": "down"}, reason]
    replies = stored_replies(site, conversation)
    assert all(text.endswith(load_content().disclaimer) for text, _ in replies)
    assert [
        {key: meta[key] for key in ("reply", "topic") if key in meta} for _, meta in replies
    ] == [
        {"reply": "greet"},
        {"reply": "answer", "topic": ASKED},
        {"reply": "feedback_thanks"},
        {"reply": "feedback_thanks"},
    ]


# name -> CSS viewport: a desktop, a small laptop window where the open panel covers
# the page's navigation, and a phone, where it covers the whole page.
FOCUS_LAYOUTS = {
    "desktop": {"width": 1280, "height": 800},
    "800": {"width": 800, "height": 600},
    "375": {"width": 375, "height": 667},
}


def test_the_open_panel_never_hides_the_focused_page_element(page: Page, site: Site) -> None:
    """WCAG 2.4.11: Tab through the whole demo page with the widget open."""
    widget = open_and_greet(page, site)
    widget.ask(QUESTION)
    for name, viewport in FOCUS_LAYOUTS.items():
        page.set_viewport_size(viewport)
        if widget.dialog.is_hidden():
            widget.open()
        visited = []
        for _ in range(40):
            page.keyboard.press("Tab")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
            focus = widget.focus_on_page()
            if focus is None:
                continue
            visited.append(focus["name"])
            assert not focus["overlapsPanel"], (name, focus)
            assert focus["visibleAtCentre"], (name, focus)
        for link in ("Skip to content", "Radiology", "Your visit", "Contact"):
            assert link in visited, (name, link, visited)
        if name == "375":  # the full-screen panel gave way to the page
            expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_every_control_is_at_least_24_px(page: Page, site: Site) -> None:
    """WCAG 2.5.8 at every layout, with the answer, the vote and its reasons showing."""
    widget = open_and_greet(page, site)
    widget.ask(QUESTION)
    widget.feedback.get_by_role("button", name="Not helpful").click()
    expect(widget.reasons).to_be_visible()
    widget.wait_for_bot_messages(3)
    for name, viewport in LAYOUTS.items():
        page.set_viewport_size(viewport)
        controls = widget.controls()
        assert len(controls) >= 12, controls
        small = [
            c
            for c in controls
            if not c["inline"] and (c["width"] < MIN_TARGET_PX or c["height"] < MIN_TARGET_PX)
        ]
        assert small == [], (name, small)


def test_a_crisis_reply_offers_each_number_as_a_one_tap_call(page: Page, site: Site) -> None:
    """On a phone, the emergency number and the crisis line are one tap away."""
    hospital = load_content().hospital
    widget = open_and_greet(page, site)
    reply = widget.ask("i want to kill myself")
    for number in (hospital["emergency_number"], hospital["crisis_line"]):
        expect(reply.locator(f"a[href='tel:{number}']")).to_have_text(number)
    expect(reply.locator("a[target]")).to_have_count(0)


def test_markup_and_script_links_stay_inert_text(page: Page, site: Site) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget = open_and_greet(page, site)

    widget.ask(INJECTION)
    expect(widget.user_messages.last).to_contain_text(INJECTION)
    reply = widget.ask("are you a bot?")
    expect(reply).to_contain_text(INJECTION)
    expect(reply.locator(".smc-disclaimer")).to_have_text(load_content().disclaimer)

    assert page.locator("#spine-mri-chat img").count() == 0
    assert page.locator("#spine-mri-chat a[href^='javascript']").count() == 0
    assert page.locator("#spine-mri-chat [onerror]").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def fits_viewport(page: Page, widget: Widget) -> None:
    """Panel, input and send button are inside the viewport; nothing scrolls sideways."""
    viewport = page.viewport_size
    for part in (widget.dialog, widget.input, widget.send_button, widget.close_button):
        box = part.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, part
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 0.5, part
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


# name -> CSS viewport; 200 % zoom of a 1280 x 800 window leaves 640 x 400 CSS pixels.
LAYOUTS = {
    "desktop": {"width": 1280, "height": 800},
    "375": {"width": 375, "height": 667},
    "320": {"width": 320, "height": 568},
    "zoom200": {"width": 640, "height": 400},
}


def test_layouts_and_screenshots(page: Page, site: Site, artifacts: Path) -> None:
    widget = open_and_greet(page, site)
    widget.ask(QUESTION)
    for name, viewport in LAYOUTS.items():
        page.set_viewport_size(viewport)
        widget.input.focus()
        fits_viewport(page, widget)
        shot = artifacts / f"widget-{name}.png"
        page.screenshot(path=str(shot))


def test_reduced_motion_is_respected(page: Page, site: Site) -> None:
    page.emulate_media(reduced_motion="reduce")
    widget = open_and_greet(page, site)
    animation = widget.dialog.evaluate("panel => getComputedStyle(panel).animationName")
    assert animation == "none"


def test_offline_state_and_recovery_across_rasa_restart(page: Page, site: Site) -> None:
    widget = open_and_greet(page, site)
    phone = load_content().hospital["phone"]

    site.stack.stop_rasa()
    expect(widget.notice).to_be_visible(timeout=15000)
    expect(widget.notice).to_contain_text(phone)
    widget.input.fill(QUESTION)
    widget.send_button.click()
    expect(widget.user_messages).to_have_count(0)
    expect(widget.input).to_have_value(QUESTION)

    site.stack.start_rasa()
    expect(widget.notice).to_be_hidden(timeout=30000)
    widget.send_button.click()
    expect_answer_with_disclaimer(widget.wait_for_bot_messages(2), "what_is_spine_mri")
