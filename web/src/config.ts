/**
 * Options of the widget, read from the data- attributes of its script tag, so
 * that embedding stays one tag that a hospital's web team can edit by hand.
 */

import { MIN_TEXT_CONTRAST, contrastRatio, isHexColour, readableOn } from "./contrast";

/** Every word of the widget's own interface (never the assistant's answers). */
export interface Strings {
  launcher: string;
  close: string;
  log: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  typing: string;
  you: string;
  assistant: string;
  suggestions: string;
  newTab: string;
  offline: string;
  offlineNoPhone: string;
  feedbackQuestion: string;
  feedbackUp: string;
  feedbackDown: string;
  feedbackReason: string;
  reasonUnclear: string;
  reasonNotAnswered: string;
  reasonOther: string;
}

export const DEFAULT_STRINGS: Strings = {
  launcher: "Chat",
  close: "Close chat",
  log: "Conversation",
  inputLabel: "Your question",
  placeholder: "Type your question",
  send: "Send",
  typing: "The assistant is typing",
  you: "You said:",
  assistant: "Assistant said:",
  suggestions: "Suggested questions",
  newTab: "(opens in a new tab)",
  offline: "The assistant cannot be reached right now. Please call {phone}.",
  offlineNoPhone: "The assistant cannot be reached right now. Please try again later.",
  feedbackQuestion: "Was this helpful?",
  feedbackUp: "Helpful",
  feedbackDown: "Not helpful",
  feedbackReason: "What was wrong? (optional)",
  reasonUnclear: "Unclear",
  reasonNotAnswered: "Didn't answer my question",
  reasonOther: "Other",
};

export interface Colours {
  /** Launcher, header, user bubbles and send button. */
  primary: string;
  /** Text on the primary colour; replaced when it would not reach 4.5:1. */
  onPrimary: string;
  /** Primary colour used as text on white (quick replies, links). */
  accent: string;
}

export interface WidgetConfig {
  server: string;
  socketPath: string;
  title: string;
  greetingPayload: string;
  phone: string;
  lang: string;
  disclaimerPrefix: string;
  replyTimeoutMs: number;
  colours: Colours;
  strings: Strings;
}

export const DEFAULT_PRIMARY = "#0b5394";
const DARK_ACCENT = "#1f2937";
export const DEFAULT_DISCLAIMER_PREFIX = "Important: This content reflects";
const DEFAULT_REPLY_TIMEOUT_MS = 20000;

type Dataset = Record<string, string | undefined>;

function colours(data: Dataset): Colours {
  const primary =
    data.colorPrimary && isHexColour(data.colorPrimary) ? data.colorPrimary : DEFAULT_PRIMARY;
  const wanted = data.colorOnPrimary && isHexColour(data.colorOnPrimary) ? data.colorOnPrimary : "";
  const accent = contrastRatio(primary, "#ffffff") >= MIN_TEXT_CONTRAST ? primary : DARK_ACCENT;
  return { primary, onPrimary: readableOn(primary, wanted || "#ffffff"), accent };
}

/** Only string values of known keys from data-strings (JSON) override the defaults. */
export function parseStrings(json: string | undefined): Strings {
  const strings = { ...DEFAULT_STRINGS };
  if (!json) return strings;
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch {
    return strings;
  }
  if (typeof given !== "object" || given === null) return strings;
  for (const [key, value] of Object.entries(given)) {
    if (key in strings && typeof value === "string" && value.trim()) {
      strings[key as keyof Strings] = value;
    }
  }
  return strings;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** The widget's configuration; throws when data-server is missing or not http(s). */
export function readConfig(data: Dataset): WidgetConfig {
  const server = (data.server ?? "").trim();
  if (!/^https?:\/\/[^\s]+$/i.test(server)) {
    throw new Error("spine-mri-chat: data-server must be the http(s) URL of the Rasa server");
  }
  const strings = parseStrings(data.strings);
  return {
    server: server.replace(/\/+$/, ""),
    socketPath: data.socketPath || "/socket.io",
    title: data.title?.trim() || strings.launcher,
    greetingPayload: data.greetingPayload ?? "/greet",
    phone: data.phone?.trim() ?? "",
    lang: data.lang || "en",
    disclaimerPrefix: data.disclaimerPrefix || DEFAULT_DISCLAIMER_PREFIX,
    replyTimeoutMs: positiveInt(data.replyTimeoutMs, DEFAULT_REPLY_TIMEOUT_MS),
    colours: colours(data),
    strings,
  };
}
