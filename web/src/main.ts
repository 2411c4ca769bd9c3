/**
 * Entry point of spine-mri-chat.js: reads the options of its own script tag
 * and mounts the widget, e.g.
 * <script src="/spine-mri-chat.js" data-server="https://bot.example.org" defer></script>
 */

import { readConfig } from "./config";
import { SocketConnection } from "./connection";
import { SessionStore, browserSessionStorage } from "./messages";
import { ChatWidget } from "./widget";

const HOST_ID = "spine-mri-chat";

function mount(script: HTMLScriptElement): void {
  if (document.getElementById(HOST_ID)) return;
  const config = readConfig(script.dataset);
  const host = document.createElement("div");
  host.id = HOST_ID;
  document.body.append(host);
  const store = new SessionStore(browserSessionStorage(window), `${HOST_ID}:${config.server}`);
  new ChatWidget(
    host,
    config,
    store,
    (events) => new SocketConnection(config.server, config.socketPath, events),
  );
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  if (document.body) mount(script);
  else document.addEventListener("DOMContentLoaded", () => mount(script), { once: true });
}
