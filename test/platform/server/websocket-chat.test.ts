// A chat room as Cloudflare's Durable Object WebSocket examples write it, served by
// `npm start -- --config wrangler.toml` over real HTTP/1.1 Upgrades on loopback: the worker passes
// the upgrade to the room, the room accepts each socket with the hibernation API
// (`ctx.acceptWebSocket` with tags, `webSocketMessage`/`webSocketClose`, attachments,
// auto-response) and broadcasts to every socket it holds.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as WsClient } from "ws";
import { type RunningEdgeServer, startEdgeServer } from "../../../src/server/edge-server.js";

const dir = mkdtempSync(join(tmpdir(), "edge-kata-ws-chat-"));
let server: RunningEdgeServer;

const WRANGLER = `name = "ws-chat"
main = "index.js"
compatibility_date = "2025-01-01"

# As the other fixtures: shared 2-core test machines can charge preemption to a request.
[limits]
cpu_ms = 1000

[[durable_objects.bindings]]
name = "ROOMS"
class_name = "ChatRoom"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["ChatRoom"]
`;

const WORKER = `import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  handled = 0;
  constructor(ctx, env) {
    super(ctx, env);
    // Answered by the runtime, without running webSocketMessage.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/stats") {
      const sockets = this.ctx.getWebSockets();
      return Response.json({
        open: sockets.length,
        admins: this.ctx.getWebSockets("admin").map((ws) => ws.deserializeAttachment().name),
        tags: sockets.map((ws) => this.ctx.getTags(ws)),
        handled: this.handled,
        autoResponded: sockets.map((ws) => this.ctx.getWebSocketAutoResponseTimestamp(ws) !== null),
      });
    }
    const name = url.searchParams.get("name") ?? "anonymous";
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, name === "ann" ? [name, "admin"] : [name]);
    server.serializeAttachment({ name });
    return new Response(null, { status: 101, webSocket: client });
  }
  async webSocketMessage(ws, message) {
    this.handled++;
    const { name } = ws.deserializeAttachment();
    const text = typeof message === "string" ? message : "(" + message.byteLength + " bytes)";
    for (const other of this.ctx.getWebSockets()) other.send(name + ": " + text);
  }
  async webSocketClose(ws, code, reason, wasClean) {
    const { name } = ws.deserializeAttachment();
    for (const other of this.ctx.getWebSockets()) other.send(name + " left (" + code + ", " + reason + ", " + wasClean + ")");
  }
}

export default {
  async fetch(request, env) {
    const room = env.ROOMS.get(env.ROOMS.idFromName("lobby"));
    if (new URL(request.url).pathname === "/stats") return room.fetch(request);
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    return room.fetch(request);
  },
};
`;

beforeAll(async () => {
  writeFileSync(join(dir, "wrangler.toml"), WRANGLER);
  writeFileSync(join(dir, "index.js"), WORKER);
  server = await startEdgeServer({ host: "127.0.0.1", port: 0, configPath: join(dir, "wrangler.toml"), dataDir: ":memory:", log: () => {} });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Member {
  ws: WsClient;
  messages: string[];
  status: number;
  closed: Promise<number>;
}

async function join_(name: string): Promise<Member> {
  const ws = new WsClient(`${server.url.replace(/^http/, "ws")}/chat?name=${encodeURIComponent(name)}`);
  const messages: string[] = [];
  let status = 0;
  ws.on("upgrade", (res) => {
    status = res.statusCode ?? 0;
  });
  ws.on("message", (data: Buffer) => messages.push(data.toString("utf8")));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return { ws, messages, status, closed };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

/** The room's sockets still open reach `n` (a close is processed after the client saw it). */
async function openBecomes(n: number): Promise<void> {
  let open: unknown;
  for (let i = 0; i < 500 && (open = (await stats()).open) !== n; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(open).toBe(n);
}

const stats = async (): Promise<Record<string, unknown>> => (await fetch(`${server.url}/stats`)).json() as Promise<Record<string, unknown>>;

describe("npm start: a Durable Object chat room over real WebSockets", () => {
  it("two clients join, every message is broadcast to both, the room knows their tags and names", async () => {
    const ann = await join_("ann");
    const bob = await join_("bob");
    expect(ann.status).toBe(101);
    ann.ws.send("hello bob");
    await until(() => ann.messages.length === 1 && bob.messages.length === 1);
    bob.ws.send(Buffer.from([1, 2, 3]));
    await until(() => ann.messages.length === 2 && bob.messages.length === 2);
    expect(ann.messages).toEqual(["ann: hello bob", "bob: (3 bytes)"]);
    expect(bob.messages).toEqual(ann.messages);
    const s = await stats();
    expect(s.open).toBe(2);
    expect(s.admins).toEqual(["ann"]);
    expect(s.tags).toEqual([["ann", "admin"], ["bob"]]);
    expect(s.handled).toBe(2);

    // The auto-response answers "ping" without waking the room's code.
    bob.ws.send("ping");
    await until(() => bob.messages.length === 3);
    expect(bob.messages[2]).toBe("pong");
    const after = await stats();
    expect(after.handled).toBe(2);
    expect(after.autoResponded).toEqual([false, true]);

    // Leaving: the room's webSocketClose sees the client's code and reason, the other member is told.
    bob.ws.close(4100, "gone fishing");
    expect(await bob.closed).toBe(4100);
    await until(() => ann.messages.length === 3);
    expect(ann.messages[2]).toBe("bob left (4100, gone fishing, true)");
    await openBecomes(1);

    // A member that vanishes without a close frame is a 1006 for the room.
    const cat = await join_("cat");
    cat.ws.terminate();
    await until(() => ann.messages.length === 4);
    expect(ann.messages[3]).toBe("cat left (1006, , false)");
    ann.ws.close(1000);
    expect(await ann.closed).toBe(1000);
    await openBecomes(0);
  });

  it("a plain request to the room's upgrade path gets the worker's 426, not a crash", async () => {
    const r = await fetch(`${server.url}/chat`);
    expect(r.status).toBe(426);
  });
});
