// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { parseInline, renderInline, safeHref } from "../src/markdown";

function rendered(line: string): HTMLElement {
  const container = document.createElement("p");
  container.append(...renderInline(document, line, "(opens in a new tab)"));
  return container;
}

describe("safeHref", () => {
  it("allows web, mail and phone links only", () => {
    expect(safeHref("https://example.org/a")).toBe("https://example.org/a");
    expect(safeHref("tel:+15550100100")).toBe("tel:+15550100100");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JavaScript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<b>x</b>")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
  });
});

describe("bot text rendering", () => {
  it("shows HTML as inert text", () => {
    const p = rendered("<img src=x onerror=alert(1)> <b>bold</b>");
    expect(p.querySelector("img, b")).toBeNull();
    expect(p.textContent).toBe("<img src=x onerror=alert(1)> <b>bold</b>");
  });

  it("keeps a javascript: link as its literal text", () => {
    const p = rendered("see [details](javascript:alert(1)) now");
    expect(p.querySelector("a")).toBeNull();
    expect(p.textContent).toBe("see [details](javascript:alert(1)) now");
  });

  it("opens web links in a new tab without opener or referrer", () => {
    const p = rendered("Read [our page](https://example.org/mri) or https://example.org/x.");
    const links = [...p.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual([
      "https://example.org/mri",
      "https://example.org/x",
    ]);
    for (const link of links) {
      expect(link.target).toBe("_blank");
      expect(link.rel).toBe("noopener noreferrer nofollow");
    }
    expect(p.textContent?.endsWith("(opens in a new tab).")).toBe(true);
  });

  it("turns a number to call, text or dial into a phone link", () => {
    expect(parseInline("Please call 911 now.")).toEqual([
      { kind: "text", text: "Please call " },
      { kind: "link", text: "911", href: "tel:911" },
      { kind: "text", text: " now." },
    ]);
    const p = rendered(
      "You can also call or text 988 (Suicide & Crisis Lifeline). " +
        "Please call General Hospital on (555) 010-0100.",
    );
    expect(
      [...p.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")]),
    ).toEqual([
      ["988", "tel:988"],
      ["(555) 010-0100", "tel:5550100100"],
    ]);
    expect(p.querySelector("a")?.hasAttribute("target")).toBe(false);
    expect(p.textContent).toBe(
      "You can also call or text 988 (Suicide & Crisis Lifeline). " +
        "Please call General Hospital on (555) 010-0100.",
    );
  });

  it("leaves numbers that are not to be called as text", () => {
    for (const line of ["An MRI can take 45 minutes.", "I had surgery in 1998", "L4 L5"]) {
      expect(rendered(line).querySelector("a")).toBeNull();
    }
  });

  it("supports bold and phone links", () => {
    expect(parseInline("**Call** [us](tel:5550100)")).toEqual([
      { kind: "strong", text: "Call" },
      { kind: "text", text: " " },
      { kind: "link", text: "us", href: "tel:5550100" },
    ]);
    expect(rendered("[us](tel:5550100)").querySelector("a")?.hasAttribute("target")).toBe(false);
  });
});
