"""How the browser tests see the widget: by role and accessible name, as a patient's
assistive technology does (Playwright's role locators pierce the open shadow root)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

TITLE = "Spine MRI questions"  # data-title of the demo page

# Times, in the page's own clock, from submitting a message to its reply being painted.
REPLY_TIMING_PROBE = """
() => {
  const root = document.getElementById("spine-mri-chat").shadowRoot;
  const log = root.querySelector("[role=log]");
  const before = log.querySelectorAll(".smc-bot").length;
  const timing = (window.__replyTiming = {});
  root.querySelector("form").addEventListener(
    "submit", () => { timing.sent = performance.now(); }, { capture: true, once: true });
  new MutationObserver((_, observer) => {
    if (log.querySelectorAll(".smc-bot").length > before) {
      observer.disconnect();
      requestAnimationFrame(() => { timing.shown = performance.now(); });
    }
  }).observe(log, { childList: true });
}
"""


class Widget:
    """Locators and waits for one page's widget."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=TITLE)
        self.dialog = page.get_by_role("dialog", name=TITLE)
        self.log = page.get_by_role("log", name="Conversation")
        self.input = page.get_by_role("textbox", name="Your question")
        self.send_button = page.get_by_role("button", name="Send")
        self.close_button = page.get_by_role("button", name="Close chat")
        self.notice = page.get_by_role("alert")
        self.bot_messages = page.locator(".smc-bot")
        self.user_messages = page.locator(".smc-user")
        self.quick_replies = page.get_by_role("group", name="Suggested questions").get_by_role(
            "button"
        )
        self.feedback = page.get_by_role("group", name="Was this helpful?")
        self.reasons = page.get_by_role("group", name="What was wrong? (optional)")

    def open(self) -> None:
        self.launcher.click()
        expect(self.dialog).to_be_visible()

    def wait_for_bot_messages(self, count: int) -> Locator:
        """The newest bot message once there are `count` of them."""
        expect(self.bot_messages).to_have_count(count)
        return self.bot_messages.nth(count - 1)

    def ask(self, text: str) -> Locator:
        """Type and send a question with the mouse; return the reply's bubble."""
        count = self.bot_messages.count()
        self.input.fill(text)
        self.send_button.click()
        return self.wait_for_bot_messages(count + 1)

    def start_reply_timing(self) -> None:
        self.page.evaluate(REPLY_TIMING_PROBE)

    def reply_latency_ms(self) -> float:
        timing = self.page.wait_for_function(
            "() => window.__replyTiming.shown && window.__replyTiming"
        )
        values = timing.json_value()
        return values["shown"] - values["sent"]

    def focus_ring_visible(self) -> bool:
        """The widget's focused element draws its focus ring (WCAG 2.4.7)."""
        return self.page.evaluate(
            """() => {
              const active = document.getElementById("spine-mri-chat").shadowRoot.activeElement;
              return !!active && active.matches(":focus-visible")
                && getComputedStyle(active).boxShadow !== "none";
            }"""
        )

    def focused_name(self) -> str:
        """Accessible name (or text) of the element focused inside the widget, '' if none."""
        return self.page.evaluate(
            """() => {
              const host = document.getElementById("spine-mri-chat");
              const active = document.activeElement === host && host.shadowRoot.activeElement;
              if (!active) return "";
              return active.getAttribute("aria-label") || active.labels?.[0]?.textContent
                || active.textContent.trim();
            }"""
        )

    def controls(self) -> list[dict]:
        """Every visible control of the widget with its size, and whether it is a link
        inside a sentence (WCAG 2.5.8 exempts those from the 24 x 24 px minimum)."""
        return self.page.evaluate(
            """() => {
              const root = document.getElementById("spine-mri-chat").shadowRoot;
              return [...root.querySelectorAll("button, input, a[href], [tabindex]")]
                .filter((node) => node.getClientRects().length > 0)
                .map((node) => {
                  const box = node.getBoundingClientRect();
                  return {
                    name: node.getAttribute("aria-label") || node.textContent.trim()
                      || node.tagName,
                    width: box.width,
                    height: box.height,
                    inline: node.tagName === "A" && node.parentElement.tagName === "P",
                  };
                });
            }"""
        )

    def focus_on_page(self) -> dict | None:
        """The host page's focused element (None when the focus is in the widget or
        nowhere): its name, whether the open panel overlaps it, and whether it is what
        the browser shows at its centre (so nothing of the widget covers that)."""
        return self.page.evaluate(
            """() => {
              const host = document.getElementById("spine-mri-chat");
              const active = document.activeElement;
              if (!active || active === host || active === document.body) return null;
              const box = active.getBoundingClientRect();
              const panel = host.shadowRoot.querySelector("[role=dialog]");
              const p = panel.getBoundingClientRect();
              const open = !panel.hidden;
              const overlaps = open && box.left < p.right && p.left < box.right
                && box.top < p.bottom && p.top < box.bottom;
              const shown = document.elementFromPoint(
                box.left + box.width / 2, box.top + box.height / 2);
              return {
                name: active.textContent.trim(),
                panelOpen: open,
                overlapsPanel: overlaps,
                visibleAtCentre: !!shown && (shown === active || active.contains(shown)),
              };
            }"""
        )
