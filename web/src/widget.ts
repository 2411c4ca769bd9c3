/**
 * The chat panel: launcher, dialog, message log, quick replies, "Was this
 * helpful?" under document answers, typing indicator, offline notice and input.
 * It owns the conversation state and talks to the server only through a Transport.
 */

import type { WidgetConfig } from "./config";
import type { ConnectionEvents, Status, Transport } from "./connection";
import { el, thumbIcon, withPlaceholder } from "./dom";
import { renderInline, telHref } from "./markdown";
import {
  type Entry,
  type Feedback,
  type QuickReply,
  REASONS,
  type Reason,
  type SavedState,
  SessionStore,
  type Vote,
  botEntry,
  feedbackPayload,
  splitDisclaimer,
} from "./messages";
import { STYLES } from "./styles";
import { type Parts, buildParts } from "./view";

/** Room left between a page element scrolled clear of the launcher and the launcher. */
const GAP_PX = 8;

export class ChatWidget {
  private readonly doc: Document;
  private readonly shadow: ShadowRoot;
  private readonly parts: Parts;
  private readonly transport: Transport;
  private state: SavedState;
  private status: Status = "connecting";
  private started = false;
  private replyTimedOut = false;
  private replyTimer: ReturnType<typeof setTimeout> | undefined;
  private queued: string[] = [];
  private quickGroup: HTMLElement | null = null;
  private feedbackGroups = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly config: WidgetConfig,
    private readonly store: SessionStore,
    makeTransport: (events: ConnectionEvents) => Transport,
  ) {
    this.doc = host.ownerDocument;
    this.state = store.load();
    this.transport = makeTransport({
      status: (status) => this.onStatus(status),
      session: (id) => this.update({ sessionId: id }),
      botMessage: (data) => this.onBotMessage(data),
    });
    this.shadow = host.attachShadow({ mode: "open" });
    this.parts = buildParts(this.doc, config);
    this.bindEvents();
    this.applyColours();
    this.state.entries.forEach((entry, i) =>
      this.appendEntry(entry, i === this.state.entries.length - 1),
    );
    this.shadow.append(this.parts.root);
    if (this.state.open) this.open(false);
    else if (this.state.entries.length) this.start();
  }

  open(moveFocus = true): void {
    const { panel, launcher, root, input } = this.parts;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("smc-open");
    this.update({ open: true });
    this.scrollToEnd();
    if (moveFocus) input.focus();
    this.start();
    this.greetIfNew();
  }

  close(moveFocus = true): void {
    const { panel, launcher, root } = this.parts;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("smc-open");
    this.update({ open: false });
    if (moveFocus) launcher.focus();
  }

  private bindEvents(): void {
    const { launcher, close, panel, root, form, input } = this.parts;
    launcher.addEventListener("click", () => (panel.hidden ? this.open() : this.close()));
    close.addEventListener("click", () => this.close());
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();
        this.close();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.send(input.value, input.value)) input.value = "";
    });
    this.doc.addEventListener("focusin", (event) => this.onPageFocus(event.target));
  }

  /**
   * WCAG 2.4.11 Focus Not Obscured: the widget must not hide what the patient tabbed
   * to on the page behind it. The open panel closes when it would (on a phone it
   * covers the whole page), keeping the conversation and leaving the focus where it
   * is; the launcher, always on top in its corner, makes the page scroll the element
   * clear of it. Checked at once and again after the browser's own scroll into view.
   */
  private onPageFocus(target: EventTarget | null): void {
    if (!target || target === this.host || !("getBoundingClientRect" in target)) return;
    const element = target as Element;
    const check = () => {
      if (this.doc.activeElement !== element) return;
      const { panel, launcher } = this.parts;
      if (!panel.hidden && overlaps(element.getBoundingClientRect(), panel.getBoundingClientRect()))
        this.close(false);
      const box = element.getBoundingClientRect();
      const cover = launcher.getBoundingClientRect();
      if (overlaps(box, cover)) this.doc.defaultView?.scrollBy(0, box.bottom - cover.top + GAP_PX);
    };
    check();
    requestAnimationFrame(check);
  }

  private applyColours(): void {
    const { primary, onPrimary, accent } = this.config.colours;
    this.host.style.setProperty("--smc-primary", primary);
    this.host.style.setProperty("--smc-on-primary", onPrimary);
    this.host.style.setProperty("--smc-accent", accent);
    const sheet = STYLES;
    if (
      "adoptedStyleSheets" in this.shadow &&
      typeof CSSStyleSheet !== "undefined" &&
      "replaceSync" in CSSStyleSheet.prototype
    ) {
      const adopted = new CSSStyleSheet();
      adopted.replaceSync(sheet);
      this.shadow.adoptedStyleSheets = [adopted];
    } else {
      this.shadow.append(el(this.doc, "style", {}, [sheet]));
    }
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.transport.start(this.state.sessionId);
  }

  /** Send a message (a payload for quick replies) and show what the patient chose. */
  private send(payload: string, shown: string): boolean {
    if (!payload.trim() || !this.deliver(payload)) return false;
    this.addEntry({ from: "user", text: shown.trim(), quickReplies: [] });
    return true;
  }

  /** Hand a message to the server (queued until the session is confirmed); false offline. */
  private deliver(payload: string): boolean {
    if (this.status === "offline") {
      this.renderNotice(true);
      return false;
    }
    if (!this.transport.send(payload)) this.queued.push(payload);
    this.waitForReply();
    return true;
  }

  private greetIfNew(): void {
    const payload = this.config.greetingPayload;
    if (this.state.greeted || this.state.entries.length || !payload || this.status !== "online")
      return;
    this.update({ greeted: true });
    if (this.transport.send(payload)) this.waitForReply();
  }

  private onStatus(status: Status): void {
    this.status = status;
    if (status === "online") {
      const queued = this.queued.splice(0);
      queued.forEach((message) => this.transport.send(message));
      if (this.state.open) this.greetIfNew();
    } else if (status === "offline") {
      this.queued = [];
      this.stopWaiting();
    }
    this.renderNotice();
  }

  private onBotMessage(data: unknown): void {
    const entry = botEntry(data);
    if (!entry) return;
    this.stopWaiting();
    this.replyTimedOut = false;
    this.renderNotice();
    this.addEntry(entry);
  }

  private waitForReply(): void {
    clearTimeout(this.replyTimer);
    const { typing } = this.parts;
    typing.replaceChildren(
      el(this.doc, "span", { class: "smc-sr" }, [this.config.strings.typing]),
      el(this.doc, "span", { class: "smc-dots", "aria-hidden": "true" }, [
        el(this.doc, "span"),
        el(this.doc, "span"),
        el(this.doc, "span"),
      ]),
    );
    this.replyTimer = setTimeout(() => {
      this.stopWaiting();
      this.replyTimedOut = true;
      this.renderNotice();
    }, this.config.replyTimeoutMs);
  }

  private stopWaiting(): void {
    clearTimeout(this.replyTimer);
    this.parts.typing.replaceChildren();
  }

  private renderNotice(force = false): void {
    const { notice } = this.parts;
    const show = force || this.status === "offline" || this.replyTimedOut;
    if (!show) {
      notice.hidden = true;
      notice.replaceChildren();
      return;
    }
    const { strings, phone } = this.config;
    const call = el(this.doc, "a", { href: telHref(phone) }, [phone]);
    notice.replaceChildren(
      ...(phone ? withPlaceholder(strings.offline, "phone", call) : [strings.offlineNoPhone]),
    );
    notice.hidden = false;
  }

  private addEntry(entry: Entry): void {
    this.update({ entries: [...this.state.entries, entry] });
    const votingElsewhere = !!this.shadow.activeElement?.closest(".smc-feedback");
    const bubble = this.appendEntry(entry, true);
    // The thanks for a vote must not scroll away the button the patient just pressed
    // (nor the reasons it showed); the log's live region reads the thanks out.
    if (votingElsewhere) return;
    if (entry.from === "bot") this.scrollToStartOf(bubble);
    else this.scrollToEnd();
  }

  private appendEntry(entry: Entry, isLast: boolean): HTMLElement {
    const { doc, config } = this;
    const focusWasInQuickReplies = !!this.quickGroup?.contains(this.shadow.activeElement);
    this.quickGroup?.remove();
    this.quickGroup = null;
    // The space that parts the label from the words sits inside the hidden label: the
    // question's bubble keeps white-space, so a space after it would show as an indent.
    const label = entry.from === "user" ? config.strings.you : config.strings.assistant;
    const who = el(doc, "span", { class: "smc-sr" }, [`${label} `]);
    const bubble = el(doc, "div", { class: `smc-msg smc-${entry.from}` }, [who]);
    if (entry.from === "user") bubble.append(entry.text);
    else bubble.append(...this.botParagraphs(entry.text));
    this.parts.log.append(bubble);
    if (entry.feedback) this.parts.log.append(this.feedbackGroup(entry, entry.feedback));
    if (isLast && entry.quickReplies.length) this.appendQuickReplies(entry.quickReplies);
    if (focusWasInQuickReplies) this.parts.input.focus();
    return bubble;
  }

  private botParagraphs(text: string): HTMLParagraphElement[] {
    const { body, disclaimer } = splitDisclaimer(text, this.config.disclaimerPrefix);
    const { newTab } = this.config.strings;
    const paragraphs = body
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => el(this.doc, "p", {}, renderInline(this.doc, line, newTab)));
    if (disclaimer) {
      paragraphs.push(
        el(this.doc, "p", { class: "smc-disclaimer" }, renderInline(this.doc, disclaimer, newTab)),
      );
    }
    return paragraphs;
  }

  private appendQuickReplies(replies: QuickReply[]): void {
    const group = el(this.doc, "div", {
      class: "smc-quick",
      role: "group",
      "aria-label": this.config.strings.suggestions,
    });
    for (const reply of replies) {
      const button = el(this.doc, "button", { type: "button" }, [reply.title]);
      button.addEventListener("click", () => this.send(reply.payload, reply.title));
      group.append(button);
    }
    this.parts.log.append(group);
    this.quickGroup = group;
  }

  /**
   * "Was this helpful?" with thumbs up and down (toggle buttons, aria-pressed), and
   * after a "no" the optional reasons. Every press is sent at once as the vote's
   * payload (the server thanks for it), and kept with the entry so a reload shows it;
   * pressing the pressed button again sends nothing.
   */
  private feedbackGroup(entry: Entry, initial: Feedback): HTMLElement {
    const { doc } = this;
    const { strings } = this.config;
    const id = `smc-feedback-${++this.feedbackGroups}`;
    let [current, feedback] = [entry, initial];
    const choose = (vote: Vote, reason: Reason | null) => {
      if (feedback.vote === vote && feedback.reason === reason) return;
      if (!this.deliver(feedbackPayload(feedback.topic, vote, reason))) return;
      feedback = { topic: feedback.topic, vote, reason };
      current = this.replaceEntry(current, { ...current, feedback });
      show();
    };
    const up = toggle(doc, [thumbIcon(doc)], () => choose("up", null), strings.feedbackUp);
    const down = toggle(
      doc,
      [thumbIcon(doc, true)],
      // Pressing "no" again keeps the reason already given.
      () => choose("down", feedback.vote === "down" ? feedback.reason : null),
      strings.feedbackDown,
    );
    const labels: Record<Reason, string> = {
      unclear: strings.reasonUnclear,
      not_answered: strings.reasonNotAnswered,
      other: strings.reasonOther,
    };
    const reasonButtons = REASONS.map((reason) =>
      toggle(doc, [labels[reason]], () => choose("down", reason)),
    );
    const reasons = el(
      doc,
      "div",
      { class: "smc-reasons", role: "group", "aria-labelledby": `${id}-r` },
      [el(doc, "span", { id: `${id}-r` }, [strings.feedbackReason]), ...reasonButtons],
    );
    const show = () => {
      up.setAttribute("aria-pressed", String(feedback.vote === "up"));
      down.setAttribute("aria-pressed", String(feedback.vote === "down"));
      reasons.hidden = feedback.vote !== "down";
      REASONS.forEach((reason, i) =>
        reasonButtons[i].setAttribute("aria-pressed", String(feedback.reason === reason)),
      );
    };
    show();
    return el(doc, "div", { class: "smc-feedback", role: "group", "aria-labelledby": id }, [
      el(doc, "span", { id }, [strings.feedbackQuestion]),
      up,
      down,
      reasons,
    ]);
  }

  /** Put updated in old's place in the saved conversation; returns updated. */
  private replaceEntry(old: Entry, updated: Entry): Entry {
    this.update({ entries: this.state.entries.map((entry) => (entry === old ? updated : entry)) });
    return updated;
  }

  /**
   * Show the patient's question with the reply below it, or at least the reply's
   * start when both do not fit: a long answer is read from the top. The browser
   * clamps the position, so a short reply simply scrolls to the end.
   */
  private scrollToStartOf(bubble: HTMLElement): void {
    const { log } = this.parts;
    const question = [...log.querySelectorAll<HTMLElement>(".smc-user")].pop();
    const bottom = bubble.getBoundingClientRect().bottom;
    const fits = question && bottom - question.getBoundingClientRect().top <= log.clientHeight;
    const anchor = fits ? question : bubble;
    log.scrollTop += anchor.getBoundingClientRect().top - log.getBoundingClientRect().top - 12;
  }

  private scrollToEnd(): void {
    const { log } = this.parts;
    log.scrollTop = log.scrollHeight;
  }

  private update(change: Partial<SavedState>): void {
    this.state = { ...this.state, ...change };
    this.store.save(this.state);
  }
}

/** A toggle button (aria-pressed) that calls onPress when pressed; label names an icon. */
function toggle(
  doc: Document,
  content: (Node | string)[],
  onPress: () => void,
  label = "",
): HTMLButtonElement {
  const props = {
    type: "button",
    "aria-pressed": "false",
    ...(label ? { "aria-label": label } : {}),
  };
  const button = el(doc, "button", props, content);
  button.addEventListener("click", onPress);
  return button;
}

/** Whether two rectangles share any area (an element of no size shares none). */
function overlaps(a: DOMRect, b: DOMRect): boolean {
  const sized = a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0;
  return sized && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
