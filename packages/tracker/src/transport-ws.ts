// WebSocket transport: one socket to /api/v1/track/ws sending JSON frames.
import type { ClientMessage } from "@rollcall/protocol";

export interface Socket {
  send(message: ClientMessage): void;
  /** Closes without reporting anything more. */
  close(): void;
}

export interface SocketHandlers {
  open(): void;
  /** A frame as received; the handler parses it (inside its own guard). */
  message(data: string): void;
  close(code: number): void;
}

/** Opens a socket, or returns undefined when WebSockets are missing or refused by the page. */
export function openSocket(url: string, on: SocketHandlers): Socket | undefined {
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch {
    return;
  }
  ws.onopen = on.open;
  ws.onmessage = (e) => on.message(String(e.data));
  ws.onclose = (e) => on.close(e.code);
  return {
    send(message) {
      if (ws.readyState === 1) ws.send(JSON.stringify(message));
    },
    close() {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close();
    },
  };
}
