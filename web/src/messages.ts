/**
 * What the conversation is made of, how Rasa's socket.io payloads become it,
 * and how it survives a page reload in sessionStorage.
 *
 * sessionStorage (not localStorage) is deliberate: a reload keeps the
 * conversation, but a new tab or a shared kiosk browser after it is closed
 * starts empty, so the next patient never sees the previous one's questions.
 */

export interface QuickReply {
  title: string;
  payload: string;
}

export type Vote = "up" | "down";
export type Reason = "unclear" | "not_answered" | "other";
export const REASONS: readonly Reason[] = ["unclear", "not_answered", "other"];

/**
 * "Was this helpful?" under a document answer: the answer's topic, and the vote
 * and reason the patient gave so far (null: none yet).
 */
export interface Feedback {
  topic: string;
  vote: Vote | null;
  reason: Reason | null;
}

export interface Entry {
  from: "user" | "bot";
  text: string;
  quickReplies: QuickReply[];
  /** Only on a document answer: the server marks one by offering the feedback buttons. */
  feedback?: Feedback;
}

export interface SavedState {
  sessionId: string | null;
  open: boolean;
  greeted: boolean;
  entries: Entry[];
}

/** The oldest entries are dropped beyond this, to bound sessionStorage use. */
export const MAX_ENTRIES = 200;

export function emptyState(): SavedState {
  return { sessionId: null, open: false, greeted: false, entries: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quickReplies(value: unknown): QuickReply[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((reply) => {
    const title = reply.title;
    const payload = reply.payload ?? title;
    return typeof title === "string" && typeof payload === "string" ? [{ title, payload }] : [];
  });
}

const FEEDBACK_PAYLOAD = /^\/feedback(\{.*\})$/s;

/**
 * The topic and vote of a feedback button's payload, e.g.
 * /feedback{"feedback_topic":"why_cervical_mri","feedback_value":"up"} (the server's
 * actions/votes.py), or null for any other payload.
 */
export function parseFeedbackPayload(payload: string): { topic: string; vote: Vote } | null {
  const match = FEEDBACK_PAYLOAD.exec(payload);
  if (!match) return null;
  let entities: unknown;
  try {
    entities = JSON.parse(match[1]);
  } catch {
    return null;
  }
  if (!isRecord(entities)) return null;
  const { feedback_topic: topic, feedback_value: vote } = entities;
  if (typeof topic !== "string" || !topic || (vote !== "up" && vote !== "down")) return null;
  return { topic, vote };
}

/** The payload that records a vote (and reason), written as the server's buttons write it. */
export function feedbackPayload(topic: string, vote: Vote, reason: Reason | null = null): string {
  const entities: Record<string, string> = { feedback_topic: topic, feedback_value: vote };
  if (reason) entities.feedback_reason = reason;
  return `/feedback${JSON.stringify(entities)}`;
}

/**
 * A bot message from Rasa's bot_uttered event (text with optional quick_replies).
 * A document answer comes with the feedback buttons among its quick replies: they
 * become the entry's feedback, the rest stay quick replies.
 */
export function botEntry(data: unknown): Entry | null {
  if (!isRecord(data) || typeof data.text !== "string" || !data.text.trim()) return null;
  const replies = quickReplies(data.quick_replies ?? data.buttons);
  const votes = replies.map((reply) => parseFeedbackPayload(reply.payload));
  const topic = votes.find((vote) => vote !== null)?.topic;
  const entry: Entry = {
    from: "bot",
    text: data.text,
    quickReplies: replies.filter((_, index) => votes[index] === null),
  };
  if (topic) entry.feedback = { topic, vote: null, reason: null };
  return entry;
}

/** Split "<answer>\n<disclaimer>" so the disclaimer can be shown distinctly. */
export function splitDisclaimer(
  text: string,
  prefix: string,
): { body: string; disclaimer: string | null } {
  const lines = text.trim().split("\n");
  const last = lines[lines.length - 1].trim();
  if (last.startsWith(prefix)) {
    return { body: lines.slice(0, -1).join("\n"), disclaimer: last };
  }
  return { body: text.trim(), disclaimer: null };
}

function storedFeedback(value: unknown): Feedback | null {
  if (!isRecord(value) || typeof value.topic !== "string" || !value.topic) return null;
  const vote = value.vote === "up" || value.vote === "down" ? value.vote : null;
  const reason = vote === "down" ? (REASONS.find((r) => r === value.reason) ?? null) : null;
  return { topic: value.topic, vote, reason };
}

function entry(value: unknown): Entry | null {
  if (!isRecord(value) || (value.from !== "user" && value.from !== "bot")) return null;
  if (typeof value.text !== "string") return null;
  const restored: Entry = {
    from: value.from,
    text: value.text,
    quickReplies: quickReplies(value.quickReplies),
  };
  const feedback = value.from === "bot" ? storedFeedback(value.feedback) : null;
  if (feedback) restored.feedback = feedback;
  return restored;
}

/** Parse stored JSON defensively: anything malformed yields a fresh conversation. */
export function parseState(json: string | null): SavedState {
  if (!json) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return emptyState();
  }
  if (!isRecord(raw) || !Array.isArray(raw.entries)) return emptyState();
  const entries = raw.entries.map(entry).filter((e): e is Entry => e !== null);
  return {
    sessionId: typeof raw.sessionId === "string" && raw.sessionId ? raw.sessionId : null,
    open: raw.open === true,
    greeted: raw.greeted === true,
    entries: entries.slice(-MAX_ENTRIES),
  };
}

/** sessionStorage may be missing or throw (privacy modes); the widget then keeps memory only. */
export class SessionStore {
  constructor(
    private readonly storage: Storage | null,
    private readonly key: string,
  ) {}

  load(): SavedState {
    try {
      return parseState(this.storage?.getItem(this.key) ?? null);
    } catch {
      return emptyState();
    }
  }

  save(state: SavedState): void {
    const bounded = { ...state, entries: state.entries.slice(-MAX_ENTRIES) };
    try {
      this.storage?.setItem(this.key, JSON.stringify(bounded));
    } catch {
      // Quota or privacy mode: the conversation still works, it just won't survive a reload.
    }
  }
}

/** sessionStorage, or null where the browser refuses access to it. */
export function browserSessionStorage(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}
