/** Tiny DOM helpers: elements are always built with properties and text, never from HTML strings. */

type Props = Record<string, string | boolean>;

/** An element with attributes (string values) or boolean attributes (true adds, false omits). */
export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: Props = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === true) element.setAttribute(name, "");
    else if (value !== false) element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** A decorative 24 x 24 icon, hidden from assistive technology (its button has the name). */
function icon(doc: Document, d: string, transform = ""): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = doc.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = doc.createElementNS(ns, "path");
  path.setAttribute("d", d);
  if (transform) path.setAttribute("transform", transform);
  svg.append(path);
  return svg;
}

/** The launcher's speech-bubble icon. */
export function chatIcon(doc: Document): SVGSVGElement {
  return icon(
    doc,
    "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
  );
}

// A raised thumb: the hand (a palm with a thumb up) and the cuff beside it.
const THUMB =
  "M2 10h4v11H2zM8 10l4.6-7.2a1.6 1.6 0 0 1 2.9 1.2L14.6 9H20a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.6 21H8z";

/** Thumbs up, or (turned half round) thumbs down. */
export function thumbIcon(doc: Document, down = false): SVGSVGElement {
  return icon(doc, THUMB, down ? "rotate(180 12 12)" : "");
}

/** Text with one placeholder replaced by a node, e.g. "call {phone}" with a tel: link. */
export function withPlaceholder(template: string, name: string, node: Node): (Node | string)[] {
  const [before, ...rest] = template.split(`{${name}}`);
  return rest.length ? [before, node, rest.join(`{${name}}`)] : [template];
}
