// Lazy runtime module: WebSockets (WebSocketPair, WebSocket, MessageEvent, CloseEvent,
// WebSocketRequestResponsePair) and the in-isolate half of the Durable Object hibernation API.
// Both ends of a pair live here until one is returned in a Response (or passed on): from then on
// that end is the host's (web-sockets.ts), which connects it to a real client or to another
// isolate, and the end left here talks to it through a numbered host handle. Frames never cross
// as objects: a message is a copied string or ArrayBuffer, a close is a code and a reason.

const { callHostSync, toArrayBuffer, utf8Encode, hostLog, formatLogArg, lazyModule } = rt;
const { Event, EventTarget, ErrorEvent, dispatch } = lazyModule("events");

const INTERNAL = Symbol("internal");
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
// RFC 6455 §5.5: a Close frame's payload is at most 125 bytes, two of them the code.
const CLOSE_REASON_BYTES_MAX = 123;
// Cloudflare's limit on a message a worker receives (the host's WEB_SOCKET_MESSAGE_BYTES_MAX).
const { messageBytesMax } = callHostSync("ws.limits", []);

class MessageEvent extends Event {
  #data;
  constructor(type, eventInitDict = undefined) {
    super(type, eventInitDict);
    this.#data = eventInitDict?.data ?? null;
  }
  get data() {
    if (this === null || typeof this !== "object" || !(#data in this)) throw new TypeError("Illegal invocation");
    return this.#data;
  }
}

class CloseEvent extends Event {
  #init;
  constructor(type, eventInitDict = undefined) {
    super(type, eventInitDict);
    const init = eventInitDict ?? {};
    this.#init = { code: Number(init.code ?? 0) & 0xffff, reason: String(init.reason ?? ""), wasClean: Boolean(init.wasClean) };
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#init in o)) throw new TypeError("Illegal invocation");
    return o.#init;
  }
  get code() { return CloseEvent.#check(this).code; }
  get reason() { return CloseEvent.#check(this).reason; }
  get wasClean() { return CloseEvent.#check(this).wasClean; }
}

/** RFC 6455 §7.4: the codes an endpoint may send (1005 and 1006 are only ever reported). */
function isSendableCloseCode(code) {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
}

let socketState;
/** This isolate's WebSockets that talk to the host, by the handle the host gave them. */
const byHandle = new Map();

class WebSocket extends EventTarget {
  #s;
  static {
    socketState = (ws) => (ws !== null && typeof ws === "object" && #s in ws ? ws.#s : null);
  }
  constructor(url = undefined, protocols = undefined) {
    // workerd can open an outgoing WebSocket with `new WebSocket(url)`; this runtime cannot.
    if (url !== INTERNAL) throw new TypeError("new WebSocket(url) (an outgoing connection) is not supported by this runtime; make a WebSocketPair instead.");
    void protocols;
    super();
    this.#s = {
      readyState: OPEN, accepted: false, hibernation: null, peer: null, handle: null, transferred: false, queue: [],
      closeSent: false, closeReceived: false, attachment: null, hasAttachment: false, binaryType: "arraybuffer", autoResponseAt: null,
    };
  }
  static #check(o) {
    const s = socketState(o);
    if (s === null) throw new TypeError("Illegal invocation");
    return s;
  }

  accept(options = undefined) {
    const s = WebSocket.#check(this);
    void options;
    if (s.transferred) throw new TypeError("This WebSocket was returned in a Response; it can no longer be used here.");
    if (s.hibernation !== null) throw new TypeError("This WebSocket was already accepted with state.acceptWebSocket().");
    if (s.accepted) return;
    s.accepted = true;
    flushQueue(this, s);
  }

  send(message) {
    const s = WebSocket.#check(this);
    if (s.transferred) throw new TypeError("This WebSocket was returned in a Response; it can no longer be used here.");
    if (!s.accepted && s.hibernation === null) throw new TypeError("You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.");
    if (s.closeSent) throw new TypeError("Can't call WebSocket send() after close().");
    const data = typeof message === "string" ? message : message instanceof ArrayBuffer || ArrayBuffer.isView(message) ? toArrayBuffer(message) : String(message);
    toPeer(s, { type: "message", data });
  }

  close(code = undefined, reason = undefined) {
    const s = WebSocket.#check(this);
    if (s.transferred) throw new TypeError("This WebSocket was returned in a Response; it can no longer be used here.");
    let c = 1005; // "no status": a Close frame without a code
    if (code !== undefined) {
      c = Number(code);
      if (!isSendableCloseCode(c)) throw new TypeError(`Invalid WebSocket close code: ${String(code)}.`);
    }
    const r = reason === undefined ? "" : String(reason);
    if (utf8Encode(r).byteLength > CLOSE_REASON_BYTES_MAX) throw new TypeError(`The WebSocket close reason is ${utf8Encode(r).byteLength} bytes of UTF-8; the limit is ${CLOSE_REASON_BYTES_MAX}.`);
    if (s.closeSent) return;
    sendClose(s, c, r);
  }

  serializeAttachment(attachment) {
    const s = WebSocket.#check(this);
    // Structured clone (the host copies it twice), so what is kept is a snapshot, as on workerd.
    s.attachment = callHostSync("clone", [attachment]);
    s.hasAttachment = true;
  }
  deserializeAttachment() {
    const s = WebSocket.#check(this);
    return s.hasAttachment ? callHostSync("clone", [s.attachment]) : null;
  }

  get readyState() { return WebSocket.#check(this).readyState; }
  get bufferedAmount() { WebSocket.#check(this); return 0; }
  get url() { WebSocket.#check(this); return null; }
  get protocol() { WebSocket.#check(this); return null; }
  get extensions() { WebSocket.#check(this); return null; }
  get binaryType() { return WebSocket.#check(this).binaryType; }
  set binaryType(value) {
    const s = WebSocket.#check(this);
    if (value === "arraybuffer" || value === "blob") s.binaryType = value;
  }
}
for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  for (const key of [name, `READY_STATE_${name}`]) {
    Object.defineProperty(WebSocket, key, { value, enumerable: true });
    Object.defineProperty(WebSocket.prototype, key, { value, enumerable: true });
  }
}

class WebSocketPair {
  constructor() {
    const client = new WebSocket(INTERNAL);
    const server = new WebSocket(INTERNAL);
    socketState(client).peer = server;
    socketState(server).peer = client;
    Object.defineProperty(this, 0, { value: client, enumerable: true });
    Object.defineProperty(this, 1, { value: server, enumerable: true });
  }
}

class WebSocketRequestResponsePair {
  #request;
  #response;
  constructor(request, response) {
    if (arguments.length < 2) throw new TypeError("Failed to construct 'WebSocketRequestResponsePair': 2 arguments required.");
    this.#request = String(request);
    this.#response = String(response);
  }
  get request() { return this.#request; }
  get response() { return this.#response; }
}

// ---- delivery ---------------------------------------------------------------------------------

function sendClose(s, code, reason) {
  s.closeSent = true;
  s.readyState = s.closeReceived ? CLOSED : CLOSING;
  toPeer(s, { type: "close", code, reason, wasClean: true });
  if (s.closeReceived) forget(s);
}

/** Sends an event to the other end: in this isolate, or through the host. */
function toPeer(s, event) {
  if (s.handle !== null) callHostSync("ws.send", [s.handle, event]);
  else if (s.peer !== null) toLocal(s.peer, event);
}

function messageBytes(data) {
  return typeof data === "string" ? utf8Encode(data).byteLength : data.byteLength;
}

/** An event from an end in this isolate: delivered on a later microtask, in order. */
function toLocal(ws, event) {
  const s = socketState(ws);
  if (event.type === "message" && messageBytes(event.data) > messageBytesMax) {
    // Cloudflare closes a WebSocket that receives a message over the limit with 1009.
    const tooLarge = { type: "close", code: 1009, reason: "Message is too large", wasClean: false };
    if (!s.closeSent) sendClose(s, 1009, tooLarge.reason);
    event = tooLarge;
  }
  if (!s.accepted && s.hibernation === null) {
    s.queue.push(event);
    return;
  }
  Promise.resolve().then(() => fire(ws, s, event)).catch(reportError);
}

function flushQueue(ws, s) {
  const queued = s.queue;
  s.queue = [];
  for (const event of queued) Promise.resolve().then(() => fire(ws, s, event)).catch(reportError);
}

function reportError(e) {
  hostLog("error", `Uncaught (in WebSocket handler) ${e instanceof Error && e.stack ? e.stack : formatLogArg(e)}`);
}

function binaryData(s, data) {
  return typeof data !== "string" && s.binaryType === "blob" ? new globalThis.Blob([data]) : data;
}

/** Runs the listeners (or the Durable Object's handler) for one event; may return a promise. */
function fire(ws, s, event) {
  const h = s.hibernation;
  if (event.type === "message") {
    if (s.closeReceived) return undefined;
    if (h !== null) {
      const auto = h.room.autoResponse;
      if (auto !== null && event.data === auto.request) {
        // Answered by the runtime without running the object's code (workerd's auto-response).
        s.autoResponseAt = Date.now();
        if (!s.closeSent) toPeer(s, { type: "message", data: auto.response });
        return undefined;
      }
      return h.room.call("webSocketMessage", ws, event.data);
    }
    dispatch(ws, new MessageEvent("message", { data: binaryData(s, event.data) }));
    return undefined;
  }
  if (event.type === "close") {
    if (s.closeReceived) return undefined;
    s.closeReceived = true;
    // The close handshake is answered at once with the same code (workerd's behaviour with
    // `web_socket_auto_reply_to_close`), so a socket never lingers half-closed.
    if (!s.closeSent) sendClose(s, isSendableCloseCode(event.code) ? event.code : 1000, event.reason);
    s.readyState = CLOSED;
    forget(s);
    if (h !== null) return h.room.call("webSocketClose", ws, event.code, event.reason, event.wasClean);
    dispatch(ws, new CloseEvent("close", { code: event.code, reason: event.reason, wasClean: event.wasClean }));
    return undefined;
  }
  const error = new Error(String(event.message));
  if (h !== null) return h.room.call("webSocketError", ws, error);
  dispatch(ws, new ErrorEvent("error", { message: error.message, error }));
  return undefined;
}

function forget(s) {
  if (s.handle !== null && s.closeSent && s.closeReceived) byHandle.delete(s.handle);
  if (s.hibernation !== null && s.closeSent && s.closeReceived) s.hibernation.room.sockets.delete(s.self);
}

// ---- crossing to the host ---------------------------------------------------------------------

/**
 * The wire form of a Response's `webSocket`: the host handle of the end that leaves, and the
 * events that reached it here before it left (they go on to whoever receives it).
 */
function webSocketToWire(ws) {
  const s = socketState(ws);
  if (s === null) throw new TypeError("Failed to construct 'Response': member webSocket is not of type WebSocket.");
  if (s.transferred) throw new TypeError("This WebSocket was already returned in a Response.");
  if (s.accepted || s.hibernation !== null) throw new TypeError("Can't return a WebSocket in a Response after accept(); return the other end of the WebSocketPair.");
  const queued = s.queue;
  s.queue = [];
  s.transferred = true;
  if (s.handle !== null) {
    // Received from the host (a Durable Object's answer) and passed on untouched.
    const handle = s.handle;
    byHandle.delete(handle);
    s.handle = null;
    return { handle, queued };
  }
  // A local end: the end left here now talks to the host through a new handle.
  const peer = s.peer;
  const ps = socketState(peer);
  const handle = callHostSync("ws.open", []);
  s.peer = null;
  ps.peer = null;
  ps.handle = handle;
  byHandle.set(handle, peer);
  return { handle, queued };
}

/** A WebSocket the host handed in (in a Response): its events arrive as `hostEvent`. */
function webSocketFromWire(handle) {
  const ws = new WebSocket(INTERNAL);
  socketState(ws).handle = handle;
  byHandle.set(handle, ws);
  // Events that reached the host before this WebSocket existed come now, in order.
  callHostSync("ws.claim", [handle]);
  return ws;
}

/** An event the host delivers to the end behind `handle`; its handler's promise is awaited. */
function hostEvent(handle, event) {
  const ws = byHandle.get(handle);
  if (ws === undefined) return undefined;
  const s = socketState(ws);
  if (!s.accepted && s.hibernation === null) {
    s.queue.push(event);
    return undefined;
  }
  return fire(ws, s, event);
}

// ---- the Durable Object hibernation API (state.acceptWebSocket and friends) ---------------------

const TAGS_MAX = 10; // Cloudflare: up to 10 tags per WebSocket
const TAG_CHARS_MAX = 256; // Cloudflare: each tag at most 256 characters

/**
 * One Durable Object's hibernatable WebSockets. `object()` finds the object when an event
 * arrives, since `state` is made before the object's constructor runs.
 */
function webSocketRoom(object) {
  const room = {
    sockets: new Map(),
    autoResponse: null,
    eventTimeoutMs: null,
    async call(method, ws, ...args) {
      const target = object();
      if (target === undefined || typeof target[method] !== "function") return;
      try {
        await target[method](ws, ...args);
      } catch (e) {
        reportError(e);
      }
    },
  };
  const state = (ws) => {
    const s = socketState(ws);
    if (s === null) throw new TypeError("parameter 1 is not of type 'WebSocket'.");
    return s;
  };
  return {
    acceptWebSocket(ws, tags = undefined) {
      const s = state(ws);
      if (s.transferred) throw new TypeError("This WebSocket was returned in a Response; it can no longer be used here.");
      if (s.accepted || s.hibernation !== null) throw new TypeError("Can't call acceptWebSocket() on a WebSocket that was already accepted.");
      const list = tags === undefined || tags === null ? [] : [...tags].map(String);
      if (list.length > TAGS_MAX) throw new TypeError(`A WebSocket can have at most ${TAGS_MAX} tags; got ${list.length}.`);
      for (const tag of list) if (tag.length > TAG_CHARS_MAX) throw new TypeError(`A WebSocket tag is at most ${TAG_CHARS_MAX} characters; got ${tag.length}.`);
      s.hibernation = { room, tags: [...new Set(list)] };
      s.self = ws;
      room.sockets.set(ws, s);
      flushQueue(ws, s);
    },
    getWebSockets(tag = undefined) {
      const all = [...room.sockets.keys()];
      return tag === undefined ? all : all.filter((ws) => room.sockets.get(ws).hibernation.tags.includes(String(tag)));
    },
    getTags(ws) {
      const s = state(ws);
      if (s.hibernation === null || s.hibernation.room !== room) throw new TypeError("This WebSocket was not accepted with this Durable Object's state.acceptWebSocket().");
      return [...s.hibernation.tags];
    },
    setWebSocketAutoResponse(pair = undefined) {
      if (pair !== undefined && pair !== null && !(pair instanceof WebSocketRequestResponsePair)) throw new TypeError("parameter 1 is not of type 'WebSocketRequestResponsePair'.");
      room.autoResponse = pair ?? null;
    },
    getWebSocketAutoResponse() {
      return room.autoResponse;
    },
    getWebSocketAutoResponseTimestamp(ws) {
      const at = state(ws).autoResponseAt;
      return at === null ? null : new Date(at);
    },
    setHibernatableWebSocketEventTimeout(timeoutMs = undefined) {
      room.eventTimeoutMs = timeoutMs === undefined || timeoutMs === null ? null : Number(timeoutMs);
    },
    getHibernatableWebSocketEventTimeout() {
      return room.eventTimeoutMs;
    },
  };
}

const isWebSocket = (value) => socketState(value) !== null;

return {
  WebSocket, WebSocketPair, WebSocketRequestResponsePair, MessageEvent, CloseEvent,
  isWebSocket, webSocketToWire, webSocketFromWire, hostEvent, webSocketRoom,
};
