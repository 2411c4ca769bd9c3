import { describe, expect, it } from "vitest";
import { contrastRatio, isHexColour, readableOn } from "../src/contrast";

describe("contrast", () => {
  it("matches the WCAG reference values", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#fff", "#fff")).toBeCloseTo(1, 5);
    // #767676 is the lightest grey that passes 4.5:1 on white; #777777 fails.
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
  });

  it("keeps a readable wanted colour and replaces an unreadable one", () => {
    expect(readableOn("#0b5394", "#ffffff")).toBe("#ffffff");
    expect(readableOn("#ffeb3b", "#ffffff")).toBe("#000000");
    expect(readableOn("#111111")).toBe("#ffffff");
  });

  it("accepts only hex colours, so no CSS can be injected through an option", () => {
    expect(isHexColour("#abc")).toBe(true);
    expect(isHexColour("#A1B2C3")).toBe(true);
    expect(isHexColour("red; background: url(x)")).toBe(false);
    expect(isHexColour("#abcd")).toBe(false);
  });
});
