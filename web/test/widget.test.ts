// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../src/config";
import type { ConnectionEvents, Transport } from "../src/connection";
import { SessionStore } from "../src/messages";
import { ChatWidget } from "../src/widget";

const DISCLAIMER = "Important: This content reflects information.";

/** Records what the widget sends and lets a test play the server's part. */
class ScriptedTransport implements Transport {
  sent: string[] = [];
  startedWith: string | null | undefined;
  online = false;
  constructor(readonly events: ConnectionEvents) {}
  start(sessionId: string | null): void {
    this.startedWith = sessionId;
  }
  send(message: string): boolean {
    if (!this.online) return false;
    this.sent.push(message);
    return true;
  }
  connect(sessionId = "s1"): void {
    this.online = true;
    this.events.session(sessionId);
    this.events.status("online");
  }
}

function mount(data: Record<string, string> = {}) {
  const host = document.createElement("div");
  document.body.append(host);
  let transport!: ScriptedTransport;
  const config = readConfig({ server: "http://bot.test", phone: "(555) 010-0100", ...data });
  new ChatWidget(host, config, new SessionStore(window.sessionStorage, "test"), (events) => {
    transport = new ScriptedTransport(events);
    return transport;
  });
  const root = host.shadowRoot!;
  const q = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  return { host, root, q, transport };
}

function last<T>(items: T[]): T | undefined {
  return items[items.length - 1];
}

function typeAndSend(q: <T extends Element>(s: string) => T, text: string): void {
  q<HTMLInputElement>("input").value = text;
  q<HTMLFormElement>("form").dispatchEvent(new Event("submit", { cancelable: true }));
}

beforeEach(() => {
  document.body.replaceChildren();
  window.sessionStorage.clear();
  vi.restoreAllMocks();
});

describe("ChatWidget", () => {
  it("opens with focus in the input, greets once, and closes back to the launcher", () => {
    const { root, q, transport } = mount();
    const launcher = q<HTMLButtonElement>(".smc-launcher");
    expect(launcher.getAttribute("aria-expanded")).toBe("false");
    launcher.click();
    expect(launcher.getAttribute("aria-expanded")).toBe("true");
    expect(root.activeElement).toBe(q("input"));
    transport.connect();
    expect(transport.sent).toEqual(["/greet"]);
    q("input").dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(q<HTMLElement>(".smc-panel").hidden).toBe(true);
    expect(root.activeElement).toBe(launcher);
    launcher.click();
    expect(transport.sent).toEqual(["/greet"]);
  });

  it("shows the typing indicator until the reply, with the disclaimer set apart", () => {
    const { q, transport } = mount();
    q<HTMLButtonElement>(".smc-launcher").click();
    transport.connect();
    typeAndSend(q, "what is a spine mri");
    expect(last(transport.sent)).toBe("what is a spine mri");
    expect(q(".smc-typing").textContent).toContain("typing");
    transport.events.botMessage({ text: `An answer.\n${DISCLAIMER}` });
    expect(q(".smc-typing").textContent).toBe("");
    expect(q(".smc-bot .smc-disclaimer").textContent).toBe(DISCLAIMER);
    expect(q(".smc-log").getAttribute("role")).toBe("log");
    expect(q(".smc-log").getAttribute("aria-live")).toBe("polite");
  });

  it("sends a quick reply's payload, shows its title and removes the choices", () => {
    const { root, q, transport } = mount();
    q<HTMLButtonElement>(".smc-launcher").click();
    transport.connect();
    transport.events.botMessage({
      text: "Hello",
      quick_replies: [{ title: "Neck", payload: "/ask_why_mri" }],
    });
    const choice = q<HTMLButtonElement>(".smc-quick button");
    choice.focus();
    choice.click();
    expect(last(transport.sent)).toBe("/ask_why_mri");
    expect(last([...root.querySelectorAll(".smc-user")])?.textContent).toContain("Neck");
    expect(q(".smc-quick")).toBeNull();
    expect(root.activeElement).toBe(q("input"));
  });

  it("shows the patient's question without a leading space, labelled for screen readers", () => {
    const { root, q, transport } = mount();
    q<HTMLButtonElement>(".smc-launcher").click();
    transport.connect();
    typeAndSend(q, "can someone call an ambulance");
    const bubble = last([...root.querySelectorAll(".smc-user")])!;
    const shown = [...bubble.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE);
    expect(shown.map((node) => node.textContent).join("")).toBe("can someone call an ambulance");
    expect(bubble.textContent).toBe("You said: can someone call an ambulance");
  });

  it("restores the conversation and session after a reload", () => {
    const first = mount();
    first.q<HTMLButtonElement>(".smc-launcher").click();
    first.transport.connect("session-42");
    first.transport.events.botMessage({
      text: "Hello",
      quick_replies: [{ title: "Neck", payload: "/n" }],
    });
    document.body.replaceChildren();
    const second = mount();
    expect(second.transport.startedWith).toBe("session-42");
    expect(second.q<HTMLElement>(".smc-panel").hidden).toBe(false);
    expect(second.q(".smc-bot")?.textContent).toContain("Hello");
    expect(second.q(".smc-quick button")?.textContent).toBe("Neck");
    second.transport.connect("session-42");
    expect(second.transport.sent).toEqual([]);
  });

  it("shows the offline notice with the phone number and keeps the unsent text", () => {
    const { q, transport } = mount();
    q<HTMLButtonElement>(".smc-launcher").click();
    transport.events.status("offline");
    const notice = q<HTMLElement>(".smc-notice");
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toContain("(555) 010-0100");
    expect(notice.querySelector("a")?.getAttribute("href")).toBe("tel:5550100100");
    typeAndSend(q, "hello?");
    expect(q<HTMLInputElement>("input").value).toBe("hello?");
    expect(q(".smc-user")).toBeNull();
    transport.connect();
    expect(notice.hidden).toBe(true);
  });

  it("sends a message typed while still connecting once the session is confirmed", () => {
    const { q, transport } = mount({ greetingPayload: "" });
    q<HTMLButtonElement>(".smc-launcher").click();
    typeAndSend(q, "hi");
    expect(transport.sent).toEqual([]);
    transport.connect();
    expect(transport.sent).toEqual(["hi"]);
  });

  it("gives up waiting after the reply timeout", async () => {
    const { q, transport } = mount({ replyTimeoutMs: "20" });
    q<HTMLButtonElement>(".smc-launcher").click();
    transport.connect();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(q(".smc-typing").textContent).toBe("");
    expect(q<HTMLElement>(".smc-notice").hidden).toBe(false);
  });

  describe("feedback on document answers", () => {
    const TOPIC = "why_cervical_mri";
    const vote = (value: string, reason?: string) =>
      `/feedback{"feedback_topic":"${TOPIC}","feedback_value":"${value}"${
        reason ? `,"feedback_reason":"${reason}"` : ""
      }}`;
    const ANSWER = {
      text: `An answer.\n${DISCLAIMER}`,
      quick_replies: [
        { title: "Why an MRI of the lower back?", payload: '/ask_why_mri{"region": "lumbar"}' },
        { title: "👍 Helpful", payload: vote("up") },
        { title: "👎 Not helpful", payload: vote("down") },
      ],
    };

    function answered(data: Record<string, string> = {}) {
      const widget = mount(data);
      widget.q<HTMLButtonElement>(".smc-launcher").click();
      widget.transport.connect();
      widget.transport.events.botMessage(ANSWER);
      const button = (name: string) =>
        [...widget.root.querySelectorAll<HTMLButtonElement>(".smc-feedback button")].find(
          (b) => (b.getAttribute("aria-label") ?? b.textContent) === name,
        )!;
      return { ...widget, button };
    }

    it("asks under an answer with real, named toggle buttons instead of quick replies", () => {
      const { root, q, button } = answered();
      const group = q<HTMLElement>(".smc-feedback");
      expect(group.getAttribute("role")).toBe("group");
      const label = root.getElementById(group.getAttribute("aria-labelledby")!);
      expect(label?.textContent).toBe("Was this helpful?");
      for (const name of ["Helpful", "Not helpful"]) {
        expect(button(name).tagName).toBe("BUTTON");
        expect(button(name).getAttribute("aria-pressed")).toBe("false");
        expect(button(name).querySelector("svg")?.getAttribute("aria-hidden")).toBe("true");
      }
      expect([...root.querySelectorAll(".smc-quick button")].map((b) => b.textContent)).toEqual([
        "Why an MRI of the lower back?",
      ]);
      expect(group.previousElementSibling?.classList.contains("smc-bot")).toBe(true);
      expect(q<HTMLElement>(".smc-reasons").hidden).toBe(true);
    });

    it("sends a no at once, then the optional reason, without a patient bubble", () => {
      const { root, q, transport, button } = answered();
      const down = button("Not helpful");
      down.focus();
      down.click();
      expect(last(transport.sent)).toBe(vote("down"));
      expect(down.getAttribute("aria-pressed")).toBe("true");
      expect(button("Helpful").getAttribute("aria-pressed")).toBe("false");
      expect(q(".smc-user")).toBeNull();
      expect(q(".smc-typing").textContent).toContain("typing");
      const reasons = q<HTMLElement>(".smc-reasons");
      expect(reasons.hidden).toBe(false);
      expect([...reasons.querySelectorAll("button")].map((b) => b.textContent)).toEqual([
        "Unclear",
        "Didn't answer my question",
        "Other",
      ]);

      transport.events.botMessage({
        text: `Thank you for your feedback.\n${DISCLAIMER}`,
        quick_replies: [ANSWER.quick_replies[0]],
      });
      expect(root.activeElement).toBe(down);
      expect(q(".smc-feedback")).not.toBeNull();
      expect(root.querySelectorAll(".smc-feedback")).toHaveLength(1);

      button("Didn't answer my question").click();
      expect(last(transport.sent)).toBe(vote("down", "not_answered"));
      expect(button("Didn't answer my question").getAttribute("aria-pressed")).toBe("true");
      expect(button("Unclear").getAttribute("aria-pressed")).toBe("false");
    });

    it("sends nothing for the pressed button, and a changed vote clears the reason", () => {
      const { q, transport, button } = answered();
      button("Not helpful").click();
      button("Unclear").click();
      const sent = transport.sent.length;
      button("Not helpful").click();
      button("Unclear").click();
      expect(transport.sent).toHaveLength(sent);
      button("Helpful").click();
      expect(last(transport.sent)).toBe(vote("up"));
      expect(button("Not helpful").getAttribute("aria-pressed")).toBe("false");
      expect(q<HTMLElement>(".smc-reasons").hidden).toBe(true);
    });

    it("keeps the vote across a reload", () => {
      const first = answered();
      first.button("Not helpful").click();
      first.button("Other").click();
      document.body.replaceChildren();
      const second = mount();
      const pressed = [...second.root.querySelectorAll('[aria-pressed="true"]')];
      expect(pressed.map((b) => b.getAttribute("aria-label") ?? b.textContent)).toEqual([
        "Not helpful",
        "Other",
      ]);
    });

    it("changes nothing and shows the phone while offline", () => {
      const { q, transport, button } = answered();
      transport.events.status("offline");
      const sent = transport.sent.length;
      button("Helpful").click();
      expect(transport.sent).toHaveLength(sent);
      expect(button("Helpful").getAttribute("aria-pressed")).toBe("false");
      expect(q<HTMLElement>(".smc-notice").hidden).toBe(false);
    });

    it("takes its words from data-strings", () => {
      const strings = JSON.stringify({ feedbackQuestion: "War das hilfreich?", feedbackUp: "Ja" });
      const { root, q, button } = answered({ strings });
      expect(
        root.getElementById(q(".smc-feedback").getAttribute("aria-labelledby")!)?.textContent,
      ).toBe("War das hilfreich?");
      expect(button("Ja")).toBeDefined();
    });

    it("shows no feedback under other replies", () => {
      const { q, transport } = mount();
      q<HTMLButtonElement>(".smc-launcher").click();
      transport.connect();
      transport.events.botMessage({ text: `Hello\n${DISCLAIMER}`, quick_replies: [] });
      expect(q(".smc-bot")).not.toBeNull();
      expect(q(".smc-feedback")).toBeNull();
    });
  });

  describe("focus on the page behind the open panel (WCAG 2.4.11)", () => {
    function rect(left: number, top: number, width: number, height: number): DOMRect {
      return { left, top, width, height, right: left + width, bottom: top + height } as DOMRect;
    }

    function withPageLink(box: DOMRect) {
      const widget = mount();
      const link = document.createElement("a");
      link.href = "#contact";
      link.textContent = "Contact";
      document.body.prepend(link);
      link.getBoundingClientRect = () => box;
      widget.q<HTMLElement>(".smc-panel").getBoundingClientRect = () => rect(880, 108, 384, 608);
      widget.q<HTMLButtonElement>(".smc-launcher").click();
      return { ...widget, link };
    }

    it("closes the panel, keeping the focus and the conversation, when it would hide it", () => {
      const { root, q, link } = withPageLink(rect(900, 400, 80, 20));
      link.focus();
      expect(q<HTMLElement>(".smc-panel").hidden).toBe(true);
      expect(q(".smc-launcher").getAttribute("aria-expanded")).toBe("false");
      expect(document.activeElement).toBe(link);
      expect(root.activeElement).toBeNull();
    });

    it("stays open when the focused element is clear of it", () => {
      const { q, link } = withPageLink(rect(300, 400, 80, 20));
      link.focus();
      expect(q<HTMLElement>(".smc-panel").hidden).toBe(false);
    });

    it("scrolls the page so that the launcher does not cover the focused element", () => {
      const { q, link } = withPageLink(rect(1100, 740, 80, 20));
      q<HTMLElement>(".smc-launcher").getBoundingClientRect = () => rect(1100, 736, 164, 48);
      const scrolls: number[] = [];
      vi.spyOn(window, "scrollBy").mockImplementation(((_: number, top: number) => {
        scrolls.push(top);
      }) as typeof window.scrollBy);
      link.focus();
      expect(scrolls[0]).toBe(760 - 736 + 8);
    });
  });
});
