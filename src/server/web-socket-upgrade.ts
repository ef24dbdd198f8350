/**
 * HTTP/1.1 Upgrade to WebSocket (RFC 6455 §4) for `npm start`: the upgrade request goes through
 * the same handler (and so the whole edge pipeline) as any request; when the worker answers 101
 * with one end of a WebSocketPair, the `ws` package completes the handshake and the client's
 * frames are connected to the worker's socket. Any other answer is written back as an ordinary
 * HTTP response and the connection closed.
 */
import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { WEB_SOCKET_MESSAGE_BYTES_MAX, attachClient, webSocketOf } from "../workers/index.js";

/** Headers `ws` writes itself in the 101 answer; the worker's own copies are left out. */
const HANDSHAKE_HEADERS = new Set(["upgrade", "connection", "sec-websocket-accept", "sec-websocket-extensions", "content-length", "transfer-encoding"]);

export interface WebSocketUpgrader {
  /** Serves one upgrade request (the server's "upgrade" event). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every open WebSocket connection (the server is closing). */
  closeAll(): void;
}

/** `answer` runs an upgrade request through the handler. */
export function webSocketUpgrader(answer: (req: IncomingMessage) => Promise<Response | null>): WebSocketUpgrader {
  // Cloudflare's 1 MiB limit on a received message: `ws` closes with 1009 beyond it.
  const server = new WebSocketServer({ noServer: true, maxPayload: WEB_SOCKET_MESSAGE_BYTES_MAX, perMessageDeflate: false });
  const extraHeaders = new WeakMap<IncomingMessage, string[]>();
  server.on("headers", (headers, req) => {
    headers.push(...(extraHeaders.get(req) ?? []));
  });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => socket.destroy());
    void (async () => {
      const response = await answer(req).catch(() => new Response("internal error\n", { status: 500 }));
      if (response === null) {
        socket.destroy();
        return;
      }
      const webSocket = webSocketOf(response);
      const wantsWebSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
      if (webSocket === undefined || !wantsWebSocket) {
        // The worker (or the edge: WAF, errors) answered without switching protocols.
        await writePlainResponse(socket, withoutWebSocket(response));
        return;
      }
      const extra: string[] = [];
      response.headers.forEach((value, name) => {
        if (!HANDSHAKE_HEADERS.has(name) && !/[\r\n]/.test(value)) extra.push(`${name}: ${value}`);
      });
      extraHeaders.set(req, extra);
      server.handleUpgrade(req, socket, head, (client) => attachClient(webSocket, client));
    })().catch(() => socket.destroy());
  };
  return {
    upgrade,
    closeAll: () => {
      for (const client of server.clients) client.terminate();
    },
  };
}

/**
 * A 101 with a WebSocket can only answer an upgrade request: to any other request it is a 500,
 * and the worker's socket is closed (1011).
 */
export function withoutWebSocket(response: Response): Response {
  const webSocket = webSocketOf(response);
  if (webSocket === undefined) return response;
  webSocket.abandon("outer", 1011, "the client did not ask for a WebSocket");
  return new Response("the worker answered 101 with a WebSocket to a request without Upgrade: websocket\n", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
}

async function writePlainResponse(socket: Duplex, response: Response): Promise<void> {
  const body = response.body === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || STATUS_CODES[response.status] || ""}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.byteLength}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), body]));
}
