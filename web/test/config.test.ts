import { describe, expect, it } from "vitest";
import { contrastRatio } from "../src/contrast";
import { DEFAULT_PRIMARY, DEFAULT_STRINGS, parseStrings, readConfig } from "../src/config";

describe("readConfig", () => {
  it("needs an http(s) server URL", () => {
    expect(() => readConfig({})).toThrow(/data-server/);
    expect(() => readConfig({ server: "javascript:alert(1)" })).toThrow(/data-server/);
    expect(readConfig({ server: "https://bot.example.org/" }).server).toBe(
      "https://bot.example.org",
    );
  });

  it("has defaults for everything else", () => {
    const config = readConfig({ server: "http://localhost:5005" });
    expect(config.title).toBe(DEFAULT_STRINGS.launcher);
    expect(config.greetingPayload).toBe("/greet");
    expect(config.socketPath).toBe("/socket.io");
    expect(config.colours.primary).toBe(DEFAULT_PRIMARY);
    expect(config.strings).toEqual(DEFAULT_STRINGS);
  });

  it("reads the documented data- attributes", () => {
    const config = readConfig({
      server: "https://bot.example.org",
      title: "Spine MRI questions",
      phone: "(555) 010-0100",
      greetingPayload: "",
      lang: "de",
      replyTimeoutMs: "5000",
    });
    expect(config.title).toBe("Spine MRI questions");
    expect(config.phone).toBe("(555) 010-0100");
    expect(config.greetingPayload).toBe("");
    expect(config.lang).toBe("de");
    expect(config.replyTimeoutMs).toBe(5000);
  });

  it("never lets brand colours make text unreadable", () => {
    const yellow = readConfig({
      server: "http://x.org",
      colorPrimary: "#ffeb3b",
      colorOnPrimary: "#ffffff",
    });
    expect(contrastRatio(yellow.colours.primary, yellow.colours.onPrimary)).toBeGreaterThanOrEqual(
      4.5,
    );
    expect(contrastRatio(yellow.colours.accent, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    const invalid = readConfig({ server: "http://x.org", colorPrimary: "red" });
    expect(invalid.colours.primary).toBe(DEFAULT_PRIMARY);
  });
});

describe("parseStrings", () => {
  it("overrides known keys only and ignores broken JSON", () => {
    const strings = parseStrings('{"send": "Senden", "unknown": "x", "close": 3}');
    expect(strings.send).toBe("Senden");
    expect(strings.close).toBe(DEFAULT_STRINGS.close);
    expect("unknown" in strings).toBe(false);
    expect(parseStrings("{not json")).toEqual(DEFAULT_STRINGS);
    expect(parseStrings("[1,2]")).toEqual(DEFAULT_STRINGS);
  });
});
