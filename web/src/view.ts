/**
 * The widget's elements. Built once, element by element, from the options:
 * the launcher and send are real buttons with names, the panel is a labelled
 * dialog and the message list a polite live log (WCAG 2.1: 4.1.2, 4.1.3).
 */

import type { WidgetConfig } from "./config";
import { chatIcon, el } from "./dom";

export interface Parts {
  root: HTMLDivElement;
  launcher: HTMLButtonElement;
  close: HTMLButtonElement;
  panel: HTMLElement;
  notice: HTMLParagraphElement;
  log: HTMLDivElement;
  typing: HTMLDivElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
}

export function buildParts(doc: Document, config: WidgetConfig): Parts {
  const { strings } = config;
  const launcher = el(
    doc,
    "button",
    {
      type: "button",
      class: "smc-launcher",
      "aria-expanded": "false",
      "aria-controls": "smc-panel",
    },
    [chatIcon(doc), el(doc, "span", {}, [config.title])],
  );
  const close = el(
    doc,
    "button",
    { type: "button", class: "smc-close", "aria-label": strings.close },
    ["\u00d7"],
  );
  const notice = el(doc, "p", { class: "smc-notice", role: "alert", hidden: true });
  const log = el(doc, "div", {
    class: "smc-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": strings.log,
    tabindex: "0",
  });
  const typing = el(doc, "div", { class: "smc-typing", role: "status" });
  const input = el(doc, "input", {
    id: "smc-input",
    type: "text",
    autocomplete: "off",
    maxlength: "1000",
    placeholder: strings.placeholder,
  });
  const form = el(doc, "form", { class: "smc-form" }, [
    el(doc, "label", { class: "smc-sr", for: "smc-input" }, [strings.inputLabel]),
    input,
    el(doc, "button", { type: "submit", class: "smc-send" }, [strings.send]),
  ]);
  const header = el(doc, "div", { class: "smc-header" }, [
    el(doc, "h2", { id: "smc-title" }, [config.title]),
    close,
  ]);
  const panel = el(
    doc,
    "section",
    {
      id: "smc-panel",
      class: "smc-panel",
      role: "dialog",
      "aria-labelledby": "smc-title",
      hidden: true,
    },
    [header, notice, log, typing, form],
  );
  const root = el(doc, "div", { class: "smc-root", lang: config.lang }, [launcher, panel]);
  return { root, launcher, close, panel, notice, log, typing, form, input };
}
