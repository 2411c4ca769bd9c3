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

/** The launcher's speech-bubble icon (decorative, hidden from assistive technology). */
export function chatIcon(doc: Document): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = doc.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = doc.createElementNS(ns, "path");
  path.setAttribute(
    "d",
    "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z",
  );
  svg.append(path);
  return svg;
}

/** Text with one placeholder replaced by a node, e.g. "call {phone}" with a tel: link. */
export function withPlaceholder(template: string, name: string, node: Node): (Node | string)[] {
  const [before, ...rest] = template.split(`{${name}}`);
  return rest.length ? [before, node, rest.join(`{${name}}`)] : [template];
}
