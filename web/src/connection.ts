/**
 * The link to Rasa's socket.io channel (rasa/core/channels/socketio.py):
 * `session_request` {session_id} -> `session_confirm`, then `user_uttered`
 * {message, session_id} -> `bot_uttered` {text, quick_replies}.
 *
 * With session_persistence the server delivers replies to a room named after
 * the session id, which a socket joins only through session_request. So the
 * session is requested again after every (re)connect, and nothing is sent
 * before it is confirmed.
 */

import { io, type Socket } from "socket.io-client";

export type Status = "connecting" | "online" | "offline";

export interface ConnectionEvents {
  status(status: Status): void;
  session(sessionId: string): void;
  botMessage(data: unknown): void;
}

/** What the widget needs from a connection; the unit tests drive the widget through it. */
export interface Transport {
  start(sessionId: string | null): void;
  send(message: string): boolean;
}

/** The id in session_confirm: Rasa 3.6 sends the bare id, some versions {session_id}. */
export function confirmedSessionId(data: unknown): string | null {
  if (typeof data === "string" && data) return data;
  if (typeof data === "object" && data !== null) {
    const id = (data as Record<string, unknown>).session_id;
    if (typeof id === "string" && id) return id;
  }
  return null;
}

const RECONNECT_AFTER_SERVER_DISCONNECT_MS = 2000;

export class SocketConnection implements Transport {
  private socket: Socket | null = null;
  private sessionId: string | null = null;
  private confirmed = false;

  constructor(
    private readonly server: string,
    private readonly path: string,
    private readonly events: ConnectionEvents,
  ) {}

  start(sessionId: string | null): void {
    if (this.socket) return;
    this.sessionId = sessionId;
    this.events.status("connecting");
    const socket = io(this.server, {
      path: this.path,
      transports: ["websocket"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 4000,
      timeout: 5000,
    });
    socket.on("connect", () => socket.emit("session_request", { session_id: this.sessionId }));
    socket.on("session_confirm", (data: unknown) => this.onConfirm(data));
    socket.on("bot_uttered", (data: unknown) => this.events.botMessage(data));
    socket.on("connect_error", () => this.onLost());
    socket.on("disconnect", (reason: string) => {
      this.onLost();
      // The client retries by itself after network loss, but not after the server said goodbye.
      if (reason === "io server disconnect") {
        setTimeout(() => socket.connect(), RECONNECT_AFTER_SERVER_DISCONNECT_MS);
      }
    });
    this.socket = socket;
  }

  send(message: string): boolean {
    if (!this.socket || !this.confirmed) return false;
    this.socket.emit("user_uttered", { message, session_id: this.sessionId });
    return true;
  }

  private onConfirm(data: unknown): void {
    const id = confirmedSessionId(data);
    if (!id) return;
    this.sessionId = id;
    this.confirmed = true;
    this.events.session(id);
    this.events.status("online");
  }

  private onLost(): void {
    this.confirmed = false;
    this.events.status("offline");
  }
}
