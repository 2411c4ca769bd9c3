"""A patient's vote in the widget appears on the staff's insights page (issue #13/#18).

The widget, the Rasa and action servers and the tracker store are the real ones of
the browser suite; the insights server reads that store as `make run` starts it.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from actions.content import load_content
from tests.browser.site import Site
from tests.browser.widget import Widget
from tests.insights.server import insights_server

QUESTION = "Why would I need an MRI of my lower back?"
TOPIC = "why_lumbar_mri"


def feedback_row(page: Page, title: str) -> list[str]:
    """The cells of the insights page's feedback table row for a topic."""
    row = page.locator("table#feedback tbody tr").filter(has_text=title)
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td, th").all_inner_texts()]


def test_a_vote_in_the_widget_shows_on_the_insights_page(
    page: Page, site: Site, tmp_path: Path
) -> None:
    page.goto(site.url)
    widget = Widget(page)
    widget.open()
    widget.wait_for_bot_messages(1)
    widget.ask(QUESTION)
    helpful = widget.feedback.get_by_role("button", name="Helpful", exact=True)
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    widget.wait_for_bot_messages(3)  # greeting, answer, thanks: the vote's turn is stored

    title = load_content().topics[TOPIC].title
    store = f"sqlite:///{site.stack.tracker_db}"
    with insights_server(store, tmp_path / "insights.log") as insights:
        page.goto(f"{insights.url}/?token={insights.token}")
        # Topic, votes, helpful, not helpful: this patient's one "helpful" vote.
        assert feedback_row(page, title)[:4] == [title, "1", "1", "0"]
