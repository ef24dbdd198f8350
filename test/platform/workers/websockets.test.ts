// WebSockets in the isolate (WebSocketPair, WebSocket) and through the host: a real `ws` client
// over 127.0.0.1 completes the HTTP/1.1 Upgrade with a worker, frames flow both ways, close
// codes pass through, a message over Cloudflare's 1 MiB limit closes with 1009, and a client
// that vanishes mid-stream costs the host nothing (no crash, no handle left behind).
import { fc } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as WsClient } from "ws";
import { type RunningServer, startHttpServer } from "../../../src/server/http-server.js";
import { VirtualClock } from "../../../src/sim/clock.js";
import { resolveWorkerConfig } from "../../../src/workers/config.js";
import { HostBridge } from "../../../src/workers/host-bridge.js";
import { type SocketEvent, attachClient } from "../../../src/workers/web-sockets.js";
import { WEB_SOCKET_MESSAGE_BYTES_MAX, Worker } from "../../../src/workers/index.js";
import { FakeDurableObjectNamespace } from "./fakes.js";

const MIB = 1024 * 1024;

/** A worker that runs one in-isolate scenario per path and answers what it saw as JSON. */
const SCENARIOS = `
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const error = (fn) => { try { fn(); return "no error"; } catch (e) { return e.name + ": " + e.message; } };
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    const [a, b] = Object.values(new WebSocketPair());
    const seen = [];
    const record = (name, ws) => {
      ws.addEventListener("message", (e) => seen.push([name, typeof e.data === "string" ? e.data : [...new Uint8Array(e.data)]]));
      ws.addEventListener("close", (e) => seen.push([name, "close", e.code, e.reason, e.wasClean, ws.readyState]));
    };
    if (path === "/flow") {
      record("a", a); record("b", b);
      a.accept();
      a.send("queued until b accepts");
      b.accept();
      b.send("text");
      b.send(new Uint8Array([0, 255, 7]));
      b.send(new Uint16Array([258]).subarray(0, 1));
      const states = [a.readyState, WebSocket.OPEN, WebSocket.READY_STATE_CLOSED];
      await settle();
      a.close(4001, "done é");
      states.push(a.readyState);
      await settle();
      return Response.json({ seen, states, after: a.readyState });
    }
    if (path === "/errors") {
      a.accept();
      const closed = new WebSocketPair()[0];
      closed.accept();
      closed.close(1000);
      return Response.json({
        beforeAccept: error(() => b.send("x")),
        afterClose: error(() => closed.send("x")),
        code999: error(() => a.close(999)),
        code1005: error(() => a.close(1005)),
        code5000: error(() => a.close(5000)),
        reason124: error(() => a.close(1000, "x".repeat(124))),
        reason123: error(() => new WebSocketPair()[0].close(1000, "x".repeat(123))),
        outgoing: error(() => new WebSocket("wss://example.com/")),
        status101WithoutSocket: error(() => new Response(null, { status: 101 })),
        socketWith200: error(() => new Response(null, { status: 200, webSocket: b })),
        notASocket: error(() => new Response(null, { status: 101, webSocket: {} })),
        closeTwice: error(() => { closed.close(1000); }),
      });
    }
    if (path === "/too-large") {
      record("a", a); record("b", b);
      a.accept(); b.accept();
      a.send("x".repeat(${WEB_SOCKET_MESSAGE_BYTES_MAX}));
      await settle();
      const exactly = seen.length === 1 && seen[0][1].length === ${WEB_SOCKET_MESSAGE_BYTES_MAX};
      seen.length = 0;
      a.send(new Uint8Array(${WEB_SOCKET_MESSAGE_BYTES_MAX} + 1));
      await settle(); await settle();
      return Response.json({ exactly, seen });
    }
    if (path === "/attachment") {
      a.accept();
      const none = a.deserializeAttachment();
      const value = { name: "__proto__", list: [1, 2], when: 5 };
      a.serializeAttachment(value);
      value.list.push(3);
      const copy = a.deserializeAttachment();
      copy.list.push(4);
      return Response.json({ none, first: copy, second: a.deserializeAttachment(), refused: error(() => a.serializeAttachment(() => 1)) });
    }
    if (path === "/return-accepted") {
      a.accept();
      return new Response(null, { status: 101, webSocket: a });
    }
    return new Response("no such scenario", { status: 404 });
  },
};`;

describe("WebSockets inside the isolate", () => {
  const worker = new Worker(SCENARIOS, { name: "ws-scenarios", cpuMsMax: 5_000 });
  afterAll(() => worker.dispose());
  const run = async (path: string): Promise<Record<string, unknown>> => {
    const r = await worker.fetch(new Request(`https://ws.example${path}`));
    expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
    return (await r.response.json()) as Record<string, unknown>;
  };

  it("a pair delivers text and binary both ways, in order, after accept(); close passes code and reason", async () => {
    const { seen, states, after } = await run("/flow");
    expect(seen).toEqual([
      ["b", "queued until b accepts"],
      ["a", "text"],
      ["a", [0, 255, 7]],
      ["a", [2, 1]],
      // b answers a's close at once with the same code (workerd's auto-reply), so both end CLOSED.
      ["b", "close", 4001, "done é", true, 3],
      ["a", "close", 4001, "done é", true, 3],
    ]);
    expect(states).toEqual([1, 1, 3, 2]);
    expect(after).toBe(3);
  });

  it("bad use gets workerd's TypeErrors and RangeErrors, never a host failure", async () => {
    expect(await run("/errors")).toEqual({
      beforeAccept: "TypeError: You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.",
      afterClose: "TypeError: Can't call WebSocket send() after close().",
      code999: "TypeError: Invalid WebSocket close code: 999.",
      code1005: "TypeError: Invalid WebSocket close code: 1005.",
      code5000: "TypeError: Invalid WebSocket close code: 5000.",
      reason124: "TypeError: The WebSocket close reason is 124 bytes of UTF-8; the limit is 123.",
      reason123: "no error",
      outgoing: "TypeError: new WebSocket(url) (an outgoing connection) is not supported by this runtime; make a WebSocketPair instead.",
      status101WithoutSocket: "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive. Got 101.",
      socketWith200: "RangeError: A Response with a webSocket must have status 101 (Switching Protocols). Got 200.",
      notASocket: "TypeError: Failed to construct 'Response': member webSocket is not of type WebSocket.",
      closeTwice: "no error",
    });
  });

  it("a message of exactly 1 MiB arrives; one byte more closes both ends with 1009", async () => {
    const { exactly, seen } = await run("/too-large");
    expect(exactly).toBe(true);
    expect(seen).toEqual([
      ["a", "close", 1009, "Message is too large", true, 3],
      ["b", "close", 1009, "Message is too large", false, 3],
    ]);
  });

  it("serializeAttachment keeps a structured copy; deserializeAttachment returns a fresh copy, null before", async () => {
    const r = await run("/attachment");
    expect(r.none).toBeNull();
    expect(r.first).toEqual({ name: "__proto__", list: [1, 2, 4], when: 5 });
    expect(r.second).toEqual({ name: "__proto__", list: [1, 2], when: 5 });
    expect(String(r.refused)).toMatch(/could not be cloned/);
  });

  it("returning the end the worker accepted is a 1101 with workerd's reason", async () => {
    const r = await worker.fetch(new Request("https://ws.example/return-accepted"));
    expect(r.outcome).toBe("exception");
    expect(r.response.status).toBe(500);
    expect(r.logs.map((l) => l.message).join("\n")).toContain("Can't return a WebSocket in a Response after accept()");
    expect(worker.openWebSockets).toBe(0);
  });
});

/** An echo worker, as Cloudflare's WebSocket template writes it, plus a record of what it saw. */
const ECHO = `
const closes = [];
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/closes") return Response.json(closes);
    // "/always" answers 101 whatever the request asked for (a mistake the host must survive).
    if (request.headers.get("upgrade") !== "websocket" && url.pathname !== "/always") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (url.pathname === "/wrong") return new Response("no", { status: 403, headers: { "x-why": "forbidden" } });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send("hello");
    server.addEventListener("message", (event) => {
      if (event.data === "close please") server.close(4000, "as asked");
      else if (event.data === "spin") for (;;) {}
      else if (typeof event.data === "string") server.send("echo:" + event.data);
      else server.send(new Uint8Array(event.data).reverse());
    });
    server.addEventListener("close", (event) => closes.push([event.code, event.reason, event.wasClean]));
    return new Response(null, { status: 101, headers: { "x-worker": "echo" }, webSocket: client });
  },
};`;

describe("WebSockets over a real HTTP/1.1 Upgrade (127.0.0.1, ws client)", () => {
  const worker = new Worker(ECHO, { name: "ws-echo", cpuMsMax: 1_000 });
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    // The server npm start uses (its upgrade path), answering with the worker directly.
    server = await startHttpServer({ host: "127.0.0.1", port: 0, handler: async (request) => (await worker.fetch(request)).response });
    base = server.url.replace(/^http/, "ws");
  });
  afterAll(async () => {
    await server.close();
    worker.dispose();
  });

  /** Connects and collects messages (text as strings, binary as byte lists) and the close. */
  const connect = async (path: string): Promise<{ ws: WsClient; messages: unknown[]; closed: Promise<[number, string]>; headers: Record<string, unknown> }> => {
    const ws = new WsClient(`${base}${path}`);
    const messages: unknown[] = [];
    ws.on("message", (data: Buffer, isBinary: boolean) => messages.push(isBinary ? [...data] : data.toString("utf8")));
    const closed = new Promise<[number, string]>((resolve) => ws.on("close", (code, reason) => resolve([code, reason.toString("utf8")])));
    let headers: Record<string, unknown> = {};
    ws.on("upgrade", (res) => {
      headers = res.headers;
    });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return { ws, messages, closed, headers };
  };
  const until = async (check: () => boolean): Promise<void> => {
    for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };
  const closes = async (): Promise<unknown[]> => (await fetch(`${server.url}/closes`)).json() as Promise<unknown[]>;

  it("echoes text and binary frames both ways; the worker's first message and headers arrive", async () => {
    const { ws, messages, headers } = await connect("/echo");
    expect(headers["x-worker"]).toBe("echo");
    ws.send("ünïcode");
    ws.send(Buffer.from([1, 2, 3, 255]));
    await until(() => messages.length === 3);
    expect(messages).toEqual(["hello", "echo:ünïcode", [255, 3, 2, 1]]);
    ws.close(3001, "client done");
    await until(() => worker.openWebSockets === 0);
    expect(await closes()).toContainEqual([3001, "client done", true]);
  });

  it("the worker's close code and reason reach the client", async () => {
    const { ws, closed } = await connect("/echo");
    ws.send("close please");
    expect(await closed).toEqual([4000, "as asked"]);
    await until(() => worker.openWebSockets === 0);
  });

  it("a message of exactly 1 MiB is echoed; 1 MiB + 1 closes the socket with 1009", async () => {
    const { ws, messages, closed } = await connect("/echo");
    ws.send(Buffer.alloc(MIB, 7));
    await until(() => messages.length === 2);
    expect((messages[1] as number[]).length).toBe(MIB);
    ws.send(Buffer.alloc(MIB + 1));
    expect((await closed)[0]).toBe(1009);
    await until(() => worker.openWebSockets === 0);
  });

  it("a client that disconnects mid-stream is a 1006 close for the worker, and nothing is left open", async () => {
    const before = (await closes()).length;
    for (let i = 0; i < 5; i++) {
      const { ws } = await connect("/echo");
      ws.send("in flight");
      ws.terminate(); // no close frame: the TCP connection just ends
    }
    await until(() => worker.openWebSockets === 0);
    const after = await closes();
    expect(after.slice(before).filter((c) => JSON.stringify(c) === JSON.stringify([1006, "", false]))).toHaveLength(5);
    // The host still serves.
    const { ws, messages } = await connect("/echo");
    ws.send("still here");
    await until(() => messages.length === 2);
    expect(messages[1]).toBe("echo:still here");
    ws.close();
  });

  it("a message handler that runs out of CPU loses its isolate: its clients get 1011, the host keeps serving", async () => {
    const first = await connect("/echo");
    const second = await connect("/echo");
    first.ws.send("spin");
    expect((await first.closed)[0]).toBe(1011);
    expect((await second.closed)[0]).toBe(1011);
    expect(worker.openWebSockets).toBe(0);
    const again = await connect("/echo");
    again.ws.send("after");
    await until(() => again.messages.length === 2);
    expect(again.messages).toEqual(["hello", "echo:after"]);
    again.ws.close(1000);
  });

  it("a worker that answers an upgrade without a WebSocket is an ordinary response; a 101 to a plain request is a 500", async () => {
    const ws = new WsClient(`${base}/wrong`);
    const status = await new Promise<number>((resolve) => ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
    ws.on("error", () => undefined);
    expect((await fetch(`${server.url}/echo`)).status).toBe(426);
    const plain = await fetch(`${server.url}/always`);
    expect(plain.status).toBe(500);
    expect(await plain.text()).toContain("without Upgrade: websocket");
    await until(() => worker.openWebSockets === 0);
  });
});

/** A worker that takes a Durable Object's WebSocket and talks to it itself (no client at all). */
const PROXY = `
import { DurableObject } from "cloudflare:workers";
export class Echo extends DurableObject {
  fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, ["t"]);
    server.send("greeting from the object");
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    ws.send("object got " + (typeof message === "string" ? message : message.byteLength + " bytes"));
    if (message === "bye") ws.close(4321, "object says bye");
  }
}
export default {
  async fetch(request, env) {
    const upstream = await env.ECHO.get(env.ECHO.idFromName("x")).fetch("https://do.example/");
    const ws = upstream.webSocket;
    const seen = [upstream.status, ws === null ? "no socket" : typeof ws.accept];
    const closed = new Promise((resolve) => ws.addEventListener("close", (e) => resolve([e.code, e.reason])));
    const twoMessages = new Promise((resolve) => {
      const got = [];
      ws.addEventListener("message", (e) => { got.push(e.data); if (got.length === 3) resolve([...got]); });
    });
    ws.accept();
    ws.send("one");
    ws.send(new Uint8Array(3));
    seen.push(await twoMessages);
    ws.send("bye");
    seen.push(await closed, ws.readyState);
    return Response.json(seen);
  },
};`;

describe("WebSockets between a worker and a Durable Object", () => {
  it("the worker accepts the object's socket itself: frames flow both ways through the host, close included", async () => {
    const ns = new FakeDurableObjectNamespace();
    const worker = new Worker(PROXY, { name: "ws-proxy", cpuMsMax: 1_000, durableObjects: { ECHO: ns } }, { clock: new VirtualClock(0) });
    ns.factory = worker.durableObjectFactory("Echo");
    try {
      const r = await worker.fetch(new Request("https://ws.example/"));
      expect(r.outcome, JSON.stringify(r.logs)).toBe("ok");
      expect(await r.response.json()).toEqual([101, "function", ["greeting from the object", "object got one", "object got 3 bytes"], [4321, "object says bye"], 3]);
      for (let i = 0; i < 500 && worker.openWebSockets > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(worker.openWebSockets).toBe(0);
    } finally {
      worker.dispose();
    }
  });
});

describe("WebSocket handles from the isolate", () => {
  it("forged, foreign, closed or malformed: refused with a TypeError, and nothing reaches the other side", () => {
    const clock = new VirtualClock(0);
    const make = (name: string): HostBridge => new HostBridge(resolveWorkerConfig({ name }), clock, async () => new Response(null), async () => {});
    const bridge = make("ws-forged");
    const other = make("ws-other");
    const live = [1, 2, 3].map(() => bridge.syncCall("ws.open", []).v as number);
    const foreign = [1, 2, 3, 4, 5].map(() => other.syncCall("ws.open", []).v as number).at(-1)!;
    // The client side of each live handle records what reaches it.
    const reached: SocketEvent[] = [];
    const sockets = live.map((h) => bridge.sockets.take({ handle: h, queued: [] }));
    for (const socket of sockets) socket.attach({ deliver: (event) => reached.push(event) });
    const message = { type: "message", data: "x" };
    const refused = (reply: { e?: { name: string; message: string } }): void => {
      expect(reply.e?.name).toBe("TypeError");
      expect(reply.e?.message).toMatch(/WebSocket/);
    };
    const forged = fc.oneof(
      fc.integer({ min: Math.max(...live, foreign) + 1 }),
      fc.integer({ max: 0 }),
      fc.double().filter((d) => !Number.isInteger(d)),
      fc.string(),
      fc.constantFrom("__proto__", "constructor", "1", ""),
      fc.anything().filter((v) => typeof v !== "number"),
    );
    fc.assert(
      fc.property(forged, (handle) => {
        refused(bridge.syncCall("ws.send", [handle, message]));
        refused(bridge.syncCall("ws.claim", [handle]));
      }),
      { numRuns: 200 },
    );
    // Another isolate's live handle names nothing here.
    expect(foreign).toBeGreaterThan(Math.max(...live));
    refused(bridge.syncCall("ws.send", [foreign, message]));
    // Malformed events on a live handle: not a string or ArrayBuffer, a close code no endpoint may send, a long reason.
    for (const event of [{ type: "message", data: 7 }, { type: "message", data: new Uint8Array(1) }, { type: "close", code: 1006, reason: "" }, { type: "close", code: 1000, reason: "x".repeat(124) }, { type: "nope" }, null, "message"]) {
      refused(bridge.syncCall("ws.send", [live[0], event]));
    }
    expect(reached).toEqual([]);
    // A live handle works; once closed both ways it is gone.
    expect(bridge.syncCall("ws.send", [live[1], message]).e).toBeUndefined();
    expect(reached).toEqual([{ type: "message", data: "x" }]);
    expect(bridge.syncCall("ws.send", [live[1], { type: "close", code: 1000, reason: "done" }]).e).toBeUndefined();
    sockets[1]!.fromOuter({ type: "close", code: 1000, reason: "done", wasClean: true });
    refused(bridge.syncCall("ws.send", [live[1], message]));
    // A socket is attached once: a second client for the same socket is refused.
    expect(() => bridge.sockets.take({ handle: live[2], queued: [] })).toThrow(TypeError);
    expect(() => attachClient(sockets[2]!, { send() {}, close() {}, terminate() {}, on: () => undefined })).toThrow(TypeError);
    // The isolate goes: the sockets it still holds are closed with 1011 on the other side.
    bridge.sockets.releaseAll();
    expect(reached.slice(-2)).toEqual([
      { type: "close", code: 1011, reason: "the worker's isolate was discarded", wasClean: false },
      { type: "close", code: 1011, reason: "the worker's isolate was discarded", wasClean: false },
    ]);
    expect(bridge.sockets.size).toBe(0);
    other.sockets.releaseAll();
  });
});
