/**
 * The small Markdown subset the bot may use: **bold**, [label](url) and bare
 * http(s) URLs. A number the text asks the patient to call, text or dial
 * ("call 911 now", "call or text 988", "call General Hospital on (555)
 * 010-0100") becomes a tel: link, so one tap on a phone places the call; the
 * content file stays plain text for every other channel. Bot text is never
 * parsed as HTML: it becomes text nodes and a few elements built one by one,
 * so markup in a message stays inert text.
 */

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "strong"; text: string }
  | { kind: "link"; text: string; href: string };

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:"]);
// Groups: bold; link label and target; bare URL; the words before a number to call
// (no lookbehind: older Safari cannot compile one) and the number.
const TOKEN =
  /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])|\b((?:call|text|dial)(?: or text)?(?: [^\n.\d]{1,40}? on)? )(\+?\(?\d[\d ().-]*\d)/gi;

/** A tel: link for a phone number as written: "(555) 010-0100" -> "tel:5550100100". */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}

/** The URL if it is absolute and of a harmless scheme, else null (javascript:, data:, ...). */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

function pushText(segments: Segment[], text: string): void {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (last?.kind === "text") last.text += text;
  else segments.push({ kind: "text", text });
}

function tokenSegments(match: RegExpExecArray): Segment[] {
  const [source, strong, label, target, bare, callWords, number] = match;
  if (strong !== undefined) return [{ kind: "strong", text: strong }];
  if (number !== undefined) {
    return [
      { kind: "text", text: callWords },
      { kind: "link", text: number, href: telHref(number) },
    ];
  }
  const href = safeHref(label !== undefined ? target : bare);
  if (href === null) return [{ kind: "text", text: source }];
  return [{ kind: "link", text: label ?? bare, href }];
}

/** Split one line into segments; an unsafe link is kept as its literal source text. */
export function parseInline(line: string): Segment[] {
  const segments: Segment[] = [];
  let position = 0;
  for (const match of line.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    pushText(segments, line.slice(position, index));
    for (const segment of tokenSegments(match)) {
      if (segment.kind === "text") pushText(segments, segment.text);
      else segments.push(segment);
    }
    position = index + match[0].length;
  }
  pushText(segments, line.slice(position));
  return segments;
}

function linkElement(doc: Document, segment: { text: string; href: string }, newTab: string) {
  const link = doc.createElement("a");
  link.href = segment.href;
  link.textContent = segment.text;
  if (/^https?:/.test(segment.href)) {
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    const hint = doc.createElement("span");
    hint.className = "smc-sr";
    hint.textContent = ` ${newTab}`;
    link.append(hint);
  }
  return link;
}

/** DOM nodes for one line of bot text. */
export function renderInline(doc: Document, line: string, newTab: string): Node[] {
  return parseInline(line).map((segment) => {
    if (segment.kind === "text") return doc.createTextNode(segment.text);
    if (segment.kind === "link") return linkElement(doc, segment, newTab);
    const strong = doc.createElement("strong");
    strong.textContent = segment.text;
    return strong;
  });
}
