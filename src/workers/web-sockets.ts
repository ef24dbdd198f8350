/**
 * The host half of WebSockets. When a worker returns one end of a WebSocketPair in a 101
 * Response, that end becomes a `HostWebSocket`: its *inner* side is the isolate holding the other
 * end (events reach it as `webSocketEvent` runs), its *outer* side is whoever the response
 * reaches: a real client (`attachClient`, after `npm start` completed the HTTP/1.1 Upgrade) or
 * another isolate (a worker that fetched a Durable Object). Each isolate names the sockets it can
 * use by handles in its own `WebSockets` table, checked like body stream handles.
 */
import { bufferedResponse } from "../core/buffered-body.js";
import { WEB_SOCKET_EVENTS_QUEUED_MAX, WEB_SOCKET_MESSAGE_BYTES_MAX, WEB_SOCKETS_PER_ISOLATE_MAX } from "./limits.js";

export type SocketEvent =
  | { type: "message"; data: string | ArrayBuffer }
  | { type: "close"; code: number; reason: string; wasClean: boolean }
  | { type: "error"; message: string };

/** Where one side of a HostWebSocket delivers what the other side sent. */
export interface SocketSink {
  deliver(event: SocketEvent): void;
}

/** RFC 6455 §5.5: a Close frame carries at most 125 bytes, two of them the code. */
const CLOSE_REASON_BYTES_MAX = 123;

/** RFC 6455 §7.4: the close codes an endpoint may send (1005 and 1006 are only ever reported). */
export function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
}

function messageBytes(data: string | ArrayBuffer): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

/** One WebSocket connection between an isolate (inner) and a client or another isolate (outer). */
export class HostWebSocket {
  readonly #inner: SocketSink;
  #outer: SocketSink | null = null;
  /** What the inner side sent before an outer side was attached. */
  #waiting: SocketEvent[] = [];
  #innerClosed = false;
  #outerClosed = false;
  readonly #onDone: Array<() => void> = [];

  constructor(inner: SocketSink) {
    this.#inner = inner;
  }

  get attached(): boolean {
    return this.#outer !== null;
  }

  /** Both sides have sent their Close (or gone away): nothing more can flow. */
  get done(): boolean {
    return this.#innerClosed && this.#outerClosed;
  }

  onDone(listener: () => void): void {
    if (this.done) listener();
    else this.#onDone.push(listener);
  }

  attach(outer: SocketSink): void {
    if (this.#outer !== null) throw new TypeError("this WebSocket is already connected");
    this.#outer = outer;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const event of waiting) outer.deliver(event);
  }

  /** The outer side handed the socket on; `unread` had reached it and goes to the next one first. */
  detach(unread: SocketEvent[]): void {
    this.#outer = null;
    this.#waiting = [...unread, ...this.#waiting];
  }

  fromInner(event: SocketEvent): void {
    if (this.#innerClosed) return;
    if (event.type === "close") this.#innerClosed = true;
    if (this.#outer !== null) this.#outer.deliver(event);
    else if (this.#waiting.length < WEB_SOCKET_EVENTS_QUEUED_MAX) this.#waiting.push(event);
    else this.closeBoth(1011, `more than ${WEB_SOCKET_EVENTS_QUEUED_MAX} messages waiting for the client`);
    this.#checkDone();
  }

  fromOuter(event: SocketEvent): void {
    if (this.#outerClosed) return;
    if (event.type === "close") this.#outerClosed = true;
    this.#inner.deliver(event);
    this.#checkDone();
  }

  /** The platform ends the connection (a message over the limit, an overflowing queue): both sides see `code`. */
  closeBoth(code: number, reason: string): void {
    if (this.done) return;
    const close: SocketEvent = { type: "close", code, reason, wasClean: false };
    const tellInner = !this.#outerClosed;
    const tellOuter = !this.#innerClosed;
    this.#innerClosed = true;
    this.#outerClosed = true;
    this.#waiting = [];
    if (tellOuter) this.#outer?.deliver(close);
    if (tellInner) this.#inner.deliver(close);
    this.#checkDone();
  }

  /** One side went away without a close handshake (its isolate was discarded, its client vanished). */
  abandon(side: "inner" | "outer", code: number, reason: string): void {
    if (this.done) return;
    const close: SocketEvent = { type: "close", code, reason, wasClean: false };
    if (side === "inner") {
      this.#innerClosed = true;
      this.#outerClosed = true;
      this.#waiting = [];
      this.#outer?.deliver(close);
    } else {
      this.#outerClosed = true;
      this.#innerClosed = true;
      this.#inner.deliver(close);
    }
    this.#checkDone();
  }

  #checkDone(): void {
    if (!this.done) return;
    const listeners = this.#onDone.splice(0);
    for (const listener of listeners) listener();
  }
}

/**
 * A handle's socket and the side this isolate holds. An adopted socket's events wait in `early`
 * until the isolate has made its WebSocket for the handle (`claim`), which happens when the
 * reply carrying it is read, possibly after the first events have arrived.
 */
type Entry = { socket: HostWebSocket; side: "inner" | "outer"; claimed: boolean; early: SocketEvent[] };

/** Delivers one event into the isolate (a `webSocketEvent` run); set by the WorkerInstance. */
export type SocketEventRunner = (handle: number, event: SocketEvent) => Promise<void>;

/** One isolate's WebSocket handles. Every argument from the isolate is checked here. */
export class WebSockets {
  readonly #entries = new Map<number, Entry>();
  #nextHandle = 1;
  /** Events in the isolate's delivery queue, in order; each waits for the previous one's run. */
  #chain: Promise<void> = Promise.resolve();
  #queued = 0;
  run: SocketEventRunner = async () => {};

  get size(): number {
    return this.#entries.size;
  }

  /** `ws.open`: a new connection whose inner side is this isolate (the end it keeps). */
  open(): number {
    this.#checkRoom();
    const handle = this.#nextHandle++;
    const socket = new HostWebSocket(this.#sinkFor(handle));
    this.#add(handle, { socket, side: "inner", claimed: true, early: [] });
    return handle;
  }

  /** A connection handed to this isolate (in a Response): it becomes its outer side. */
  adopt(socket: HostWebSocket): number {
    this.#checkRoom();
    const handle = this.#nextHandle++;
    this.#add(handle, { socket, side: "outer", claimed: false, early: [] });
    socket.attach(this.#sinkFor(handle));
    return handle;
  }

  /** `ws.claim`: the isolate has a WebSocket for `handle` now; what arrived before is delivered. */
  claim(handle: unknown): void {
    const entry = this.#entry(handle);
    if (entry.claimed) return;
    entry.claimed = true;
    const early = entry.early;
    entry.early = [];
    for (const event of early) this.#deliver(handle as number, event);
  }

  /** The socket a Response's `webSocket` wire names, ready to be attached elsewhere. */
  take(wire: unknown): HostWebSocket {
    const w = wire as { handle?: unknown; queued?: unknown } | null;
    if (w === null || typeof w !== "object" || !Array.isArray(w.queued)) throw new TypeError("malformed webSocket from the isolate");
    const entry = this.#entry(w.handle);
    const unread = w.queued.map(checkEvent);
    if (entry.side === "outer") {
      // Received from the host and passed on untouched: this isolate lets go of it.
      this.#entries.delete(w.handle as number);
      entry.socket.detach(unread);
    } else if (entry.socket.attached) {
      throw new TypeError("this WebSocket was already returned in a Response");
    } else {
      entry.socket.detach(unread);
    }
    return entry.socket;
  }

  /** `ws.send`: an event the isolate's end sends to the other side. */
  send(handle: unknown, event: unknown): void {
    const entry = this.#entry(handle);
    const checked = checkEvent(event);
    if (entry.side === "inner") entry.socket.fromInner(checked);
    else entry.socket.fromOuter(checked);
  }

  /** The isolate is gone: every connection it held is closed on the other side with 1011. */
  releaseAll(): void {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const { socket, side } of entries) socket.abandon(side, 1011, "the worker's isolate was discarded");
  }

  #checkRoom(): void {
    if (this.#entries.size >= WEB_SOCKETS_PER_ISOLATE_MAX) throw new RangeError(`this isolate holds ${this.#entries.size} WebSockets; the limit is ${WEB_SOCKETS_PER_ISOLATE_MAX}`);
  }

  #add(handle: number, entry: Entry): void {
    this.#entries.set(handle, entry);
    entry.socket.onDone(() => {
      if (this.#entries.get(handle) === entry) this.#entries.delete(handle);
    });
  }

  #entry(handle: unknown): Entry {
    const entry = typeof handle === "number" ? this.#entries.get(handle) : undefined;
    if (entry === undefined) throw new TypeError("WebSocket handle is not valid in this isolate (forged, closed or from another isolate)");
    return entry;
  }

  /** Events for the end behind `handle`, delivered in order, one run at a time. */
  #sinkFor(handle: number): SocketSink {
    return { deliver: (event) => this.#deliver(handle, event) };
  }

  #deliver(handle: number, event: SocketEvent): void {
    const entry = this.#entries.get(handle);
    if (event.type === "message" && messageBytes(event.data) > WEB_SOCKET_MESSAGE_BYTES_MAX) {
      // Cloudflare closes a WebSocket that receives a message over 1 MiB with 1009.
      entry?.socket.closeBoth(1009, "Message is too large");
      return;
    }
    if (entry !== undefined && !entry.claimed) {
      if (entry.early.length < WEB_SOCKET_EVENTS_QUEUED_MAX) entry.early.push(event);
      else entry.socket.closeBoth(1011, `more than ${WEB_SOCKET_EVENTS_QUEUED_MAX} events waiting for the worker`);
      return;
    }
    if (this.#queued >= WEB_SOCKET_EVENTS_QUEUED_MAX) {
      entry?.socket.closeBoth(1011, `more than ${WEB_SOCKET_EVENTS_QUEUED_MAX} events waiting for the worker`);
      return;
    }
    this.#queued++;
    this.#chain = this.#chain
      .then(() => this.run(handle, event))
      .catch(() => undefined)
      .finally(() => {
        this.#queued--;
      });
  }
}

/** An event from the isolate, checked: a message is a string or an ArrayBuffer; a close has a code and a short reason. */
function checkEvent(event: unknown): SocketEvent {
  const e = event as Partial<Record<string, unknown>> | null;
  if (e === null || typeof e !== "object") throw new TypeError("malformed WebSocket event from the isolate");
  if (e.type === "message" && (typeof e.data === "string" || e.data instanceof ArrayBuffer)) return { type: "message", data: e.data };
  if (e.type === "close" && typeof e.code === "number" && (e.code === 1005 || isSendableCloseCode(e.code)) && typeof e.reason === "string" && Buffer.byteLength(e.reason) <= CLOSE_REASON_BYTES_MAX) {
    return { type: "close", code: e.code, reason: e.reason, wasClean: e.wasClean !== false };
  }
  if (e.type === "error" && typeof e.message === "string") return { type: "error", message: e.message };
  throw new TypeError("malformed WebSocket event from the isolate");
}

// ---- the 101 response on the host and the real client --------------------------------------------

const UPGRADES = new WeakMap<Response, HostWebSocket>();

/**
 * The host's form of a worker's `new Response(null, { status: 101, webSocket })`. Fetch's
 * Response cannot be built with status 101, so it is built empty and its status reads 101; the
 * socket rides beside it (`webSocketOf`) through the edge, which passes a worker's fresh response
 * on as the same object.
 */
export function upgradeResponse(socket: HostWebSocket, headers: Headers): Response {
  const response = bufferedResponse(null, { status: 200, headers });
  Object.defineProperty(response, "status", { value: 101 });
  Object.defineProperty(response, "statusText", { value: "Switching Protocols" });
  Object.defineProperty(response, "ok", { value: false });
  UPGRADES.set(response, socket);
  return response;
}

/** The WebSocket a 101 response from a worker carries, if any. */
export function webSocketOf(response: Response): HostWebSocket | undefined {
  return UPGRADES.get(response);
}

/** The parts of a `ws` WebSocket (the npm package) this module uses. */
export interface ClientSocket {
  send(data: string | Buffer, options: { binary: boolean }, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: "close", listener: (code: number, reason: Buffer) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * Connects a real client (after the HTTP/1.1 Upgrade) as the socket's outer side: frames flow
 * both ways, a close is passed on with its code, and a client that vanishes mid-stream is a
 * close 1006 (not clean) for the worker.
 */
export function attachClient(socket: HostWebSocket, client: ClientSocket): void {
  let closed = false;
  socket.attach({
    deliver(event) {
      if (closed) return;
      if (event.type === "message") {
        client.send(typeof event.data === "string" ? event.data : Buffer.from(event.data), { binary: typeof event.data !== "string" }, () => undefined);
      } else if (event.type === "close") {
        closed = true;
        if (isSendableCloseCode(event.code)) client.close(event.code, event.reason);
        else if (event.code === 1005) client.close();
        else client.terminate();
      } else {
        closed = true;
        client.terminate();
      }
    },
  });
  client.on("message", (data, isBinary) => {
    const bytes = new Uint8Array(data);
    socket.fromOuter(isBinary ? { type: "message", data: bytes.slice().buffer } : { type: "message", data: data.toString("utf8") });
  });
  client.on("error", (error) => socket.fromOuter({ type: "error", message: error.message }));
  client.on("close", (code, reason) => {
    closed = true;
    socket.fromOuter({ type: "close", code, reason: reason.toString("utf8"), wasClean: code !== 1006 });
  });
}
