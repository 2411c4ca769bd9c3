// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from "vitest";
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
});
