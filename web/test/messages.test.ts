// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { confirmedSessionId } from "../src/connection";
import {
  MAX_ENTRIES,
  SessionStore,
  botEntry,
  emptyState,
  feedbackPayload,
  parseFeedbackPayload,
  parseState,
  splitDisclaimer,
} from "../src/messages";

const PREFIX = "Important: This content reflects";

describe("botEntry", () => {
  it("reads Rasa's bot_uttered shape", () => {
    const entry = botEntry({
      text: "Hello",
      quick_replies: [
        { content_type: "text", title: "What is a spine MRI?", payload: "/ask_what_is_spine_mri" },
      ],
    });
    expect(entry).toEqual({
      from: "bot",
      text: "Hello",
      quickReplies: [{ title: "What is a spine MRI?", payload: "/ask_what_is_spine_mri" }],
    });
  });

  it("ignores messages without text and malformed quick replies", () => {
    expect(botEntry({ attachment: { type: "image" } })).toBeNull();
    expect(botEntry("text")).toBeNull();
    expect(
      botEntry({ text: "Hi", quick_replies: [{ title: 3 }, null, "x"] })?.quickReplies,
    ).toEqual([]);
  });
});

describe("splitDisclaimer", () => {
  it("separates the disclaimer line from the answer", () => {
    const text = `An answer.\nSecond line.\n${PREFIX} information from various sources.`;
    expect(splitDisclaimer(text, PREFIX)).toEqual({
      body: "An answer.\nSecond line.",
      disclaimer: `${PREFIX} information from various sources.`,
    });
  });

  it("leaves text without the disclaimer whole", () => {
    expect(splitDisclaimer("Just text", PREFIX)).toEqual({ body: "Just text", disclaimer: null });
  });
});

describe("session persistence", () => {
  it("round-trips through sessionStorage", () => {
    const store = new SessionStore(window.sessionStorage, "k");
    const state = {
      ...emptyState(),
      sessionId: "abc",
      open: true,
      entries: [{ from: "user" as const, text: "hi", quickReplies: [] }],
    };
    store.save(state);
    expect(new SessionStore(window.sessionStorage, "k").load()).toEqual(state);
  });

  it("starts fresh from tampered or foreign data", () => {
    expect(parseState("{broken")).toEqual(emptyState());
    expect(parseState('{"entries": "x"}')).toEqual(emptyState());
    const parsed = parseState(
      '{"sessionId": 5, "entries": [{"from": "admin", "text": "x"}, {"from": "bot", "text": "ok"}]}',
    );
    expect(parsed.sessionId).toBeNull();
    expect(parsed.entries).toEqual([{ from: "bot", text: "ok", quickReplies: [] }]);
  });

  it("keeps working when storage throws", () => {
    const throwing = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
    } as unknown as Storage;
    const store = new SessionStore(throwing, "k");
    expect(store.load()).toEqual(emptyState());
    expect(() => store.save(emptyState())).not.toThrow();
  });

  it("bounds the stored conversation", () => {
    const store = new SessionStore(window.sessionStorage, "bounded");
    const entries = Array.from({ length: MAX_ENTRIES + 5 }, (_, i) => ({
      from: "user" as const,
      text: `${i}`,
      quickReplies: [],
    }));
    store.save({ ...emptyState(), entries });
    const loaded = store.load().entries;
    expect(loaded).toHaveLength(MAX_ENTRIES);
    expect(loaded[0].text).toBe("5");
  });
});

describe("confirmedSessionId", () => {
  it("accepts the bare id and the object form", () => {
    expect(confirmedSessionId("abc")).toBe("abc");
    expect(confirmedSessionId({ session_id: "def" })).toBe("def");
    expect(confirmedSessionId({})).toBeNull();
    expect(confirmedSessionId("")).toBeNull();
  });
});

describe("feedback payloads", () => {
  it("are written as the server's buttons write them", () => {
    expect(feedbackPayload("mri_factors", "up")).toBe(
      '/feedback{"feedback_topic":"mri_factors","feedback_value":"up"}',
    );
    expect(feedbackPayload("mri_factors", "down", "not_answered")).toBe(
      '/feedback{"feedback_topic":"mri_factors","feedback_value":"down","feedback_reason":"not_answered"}',
    );
  });

  it("are read back, and nothing else is", () => {
    expect(parseFeedbackPayload(feedbackPayload("music_mri", "down"))).toEqual({
      topic: "music_mri",
      vote: "down",
    });
    for (const other of [
      "/ask_why_mri",
      '/ask_why_mri{"region": "cervical"}',
      "/feedback",
      "/feedback{broken",
      '/feedback{"feedback_topic":"x","feedback_value":"meh"}',
      '/feedback{"feedback_value":"up"}',
    ]) {
      expect(parseFeedbackPayload(other)).toBeNull();
    }
  });

  it("mark a bot message as a document answer and leave its quick replies", () => {
    const entry = botEntry({
      text: "An answer",
      quick_replies: [
        { title: "Why an MRI of the neck?", payload: "/ask_why_mri" },
        { title: "👍 Helpful", payload: feedbackPayload("mri_surgery", "up") },
        { title: "👎 Not helpful", payload: feedbackPayload("mri_surgery", "down") },
      ],
    });
    expect(entry).toEqual({
      from: "bot",
      text: "An answer",
      quickReplies: [{ title: "Why an MRI of the neck?", payload: "/ask_why_mri" }],
      feedback: { topic: "mri_surgery", vote: null, reason: null },
    });
  });

  it("are restored from storage only when well formed", () => {
    const stored = (feedback: unknown) =>
      parseState(JSON.stringify({ entries: [{ from: "bot", text: "a", feedback }] })).entries[0]
        .feedback;
    expect(stored({ topic: "t", vote: "down", reason: "unclear" })).toEqual({
      topic: "t",
      vote: "down",
      reason: "unclear",
    });
    expect(stored({ topic: "t", vote: "up", reason: "unclear" })).toEqual({
      topic: "t",
      vote: "up",
      reason: null,
    });
    expect(stored({ topic: "t", vote: "sideways", reason: 3 })).toEqual({
      topic: "t",
      vote: null,
      reason: null,
    });
    expect(stored({ vote: "up" })).toBeUndefined();
    expect(stored("x")).toBeUndefined();
  });
});
