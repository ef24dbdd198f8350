import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../../src/kata/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUEST_HEADERS_SIZE_BYTES_MAX } from "../../../src/server/http-server.js";
import { startNpmEdge } from "../../support/npm-start.js";

/**
 * `npm start` end to end: the real entry point in a child process on a free loopback port,
 * driven over HTTP and over raw sockets, then killed with SIGKILL and restarted to show that
 * acknowledged Durable Object and KV writes survive.
 */
const dataDir = mkdtempSync(join(tmpdir(), "edge-kata-start-"));
let child: ChildProcess | undefined;
let base = "";

/** The server `npm start` runs, as its own process (signals reach it directly, not npm). */
async function start(extra: string[] = [], data = dataDir): Promise<{ proc: ChildProcess; url: string }> {
  const started = await startNpmEdge(["--data", data, ...extra], { viaNpm: false, timeoutMs: 60_000 });
  return { proc: started.proc, url: started.url };
}

function raw(bytes: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(bytes);
  });
}

async function stop(proc: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill(signal);
  await exited;
}

beforeAll(async () => {
  const started = await start();
  child = started.proc;
  base = started.url;
}, 90_000);

afterAll(async () => {
  await stop(child, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves the demo through the pipeline with cf-ray, cf-cache-status and server-timing", async () => {
    const first = await fetch(`${base}/cached?pop=FRA`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cf-ray")).toMatch(/^[0-9a-f]{16}-FRA$/);
    expect(first.headers.get("cf-cache-status")).toBe("MISS");
    expect(first.headers.get("server-timing")).toMatch(/ddos;dur=.*handshake;dur=.*waf;dur=.*worker;dur=/);
    const body = await first.json();
    const second = await fetch(`${base}/cached?pop=FRA`);
    expect(second.headers.get("cf-cache-status")).toBe("HIT");
    expect(await second.json()).toEqual(body);
    expect(Number(second.headers.get("age"))).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${base}/time`)).headers.get("cf-cache-status")).toBe("BYPASS");
  });

  it("runs the demo worker in an isolate at the chosen PoP", async () => {
    const hello = await fetch(`${base}/worker/hello?pop=NRT`);
    expect(await hello.text()).toBe("Hello from a V8 isolate at NRT (hello from edge-kata)\n");
  });

  it("serves the book at /book/ through the cache", async () => {
    const a = await fetch(`${base}/book/`);
    expect(a.status).toBe(200);
    expect(await a.text()).toContain("edge-kata");
    expect((await fetch(`${base}/book/`)).headers.get("cf-cache-status")).toBe("HIT");
  });

  it("blocks an SQL injection at the WAF with error 1020", async () => {
    const r = await fetch(`${base}/cached?id=1'%20UNION%20SELECT%20password%20FROM%20users--`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("error code: 1020");
    expect(r.headers.get("cf-mitigated")).toBe("block");
  });

  it("answers malformed requests with 4xx and keeps serving", async () => {
    expect(await raw("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw("FOO / HTTP/1.1\r\nHost: x\r\n\r\n")).toMatch(/^HTTP\/1\.1 (400|405|501)/);
    expect(await raw(`GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 414/);
    // Cloudflare's 128 KB cap on request headers: a little over it is refused, well under passes.
    expect(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(REQUEST_HEADERS_SIZE_BYTES_MAX + 1024)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(`GET /cached HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${"b".repeat(REQUEST_HEADERS_SIZE_BYTES_MAX - 4096)}\r\n\r\n`)).not.toMatch(/^HTTP\/1\.1 431/);
    expect(await raw("PROPFIND / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 405/);
    expect(await raw("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")).toMatch(/^(HTTP\/1\.1 400|$)/);
    expect((await fetch(`${base}/nope?pop=XYZ`)).status).toBe(400);
    expect((await fetch(`${base}/cached`)).status).toBe(200);
  });

  it("keeps every acknowledged Durable Object write across SIGKILL and restart", async () => {
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${base}/worker/counter?pop=LHR`);
      expect(r.status).toBe(200);
      counts.push(((await r.json()) as { count: number }).count);
    }
    expect(counts).toEqual(counts.map((_, i) => counts[0]! + i));
    await stop(child, "SIGKILL");
    const restarted = await start();
    child = restarted.proc;
    base = restarted.url;
    const after = (await (await fetch(`${base}/worker/counter?pop=LHR`)).json()) as { count: number };
    expect(after.count).toBe(counts.at(-1)! + 1);
  });
});

/**
 * A SQLite-backed Durable Object written from Cloudflare's SQL API documentation, deployed with
 * `npm start --config`: the SQL API, the policy, transactionSync, a bookmark restore, and its
 * rows across SIGKILL.
 */
describe("npm start --config with a SQLite-backed Durable Object", () => {
  const sqlData = mkdtempSync(join(tmpdir(), "edge-kata-sql-start-"));
  const config = join(REPO_ROOT, "test", "platform", "server", "fixtures", "sql-do", "wrangler.toml");
  let server: { proc: ChildProcess; url: string } | undefined;
  const get = async (path: string): Promise<unknown> => {
    const r = await fetch(`${server!.url}${path}`);
    expect(r.status).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    server = await start(["--config", config], sqlData);
  }, 90_000);

  afterAll(async () => {
    await stop(server?.proc, "SIGKILL");
    rmSync(sqlData, { recursive: true, force: true });
  });

  it("runs the documented SQL API, refuses what Cloudflare refuses, rolls back transactionSync", async () => {
    expect(await get("/artists")).toEqual([
      { artistid: 123, artistname: "Alice" },
      { artistid: 456, artistname: "Bob" },
      { artistid: 789, artistname: "Charlie" },
    ]);
    expect(await get("/cursor")).toEqual({
      first: [123, "Alice"],
      rest: [{ artistid: 456, artistname: "Bob" }, { artistid: 789, artistname: "Charlie" }],
      rowsRead: 3,
      columnNames: ["artistid", "artistname"],
      size: true,
    });
    expect(await get("/refused?arg=kv")).toContain("not authorized: SQLITE_AUTH");
    expect(await get("/refused?arg=attach")).toContain("not authorized: SQLITE_AUTH");
    expect(await get("/refused?arg=begin")).toContain("please use the state.storage.transaction() or state.storage.transactionSync() APIs");
    expect(await get("/transfer")).toBe(1);
    expect(await get("/transfer?arg=fail")).toBe("rolled back");
    expect(await get("/transfer")).toBe(2);
  });

  it("restores a bookmark on the next session after ctx.abort()", async () => {
    await get("/add?arg=1");
    const bookmark = (await get("/bookmark")) as string;
    expect(bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    await get("/add?arg=2");
    expect(await get("/restore?arg=" + bookmark)).toMatch(/^aborted: .*ctx\.abort\(\)/);
    const ids = ((await get("/artists")) as Array<{ artistid: number }>).map((a) => a.artistid);
    expect(ids).toEqual([1, 123, 456, 789]);
  });

  it("keeps every acknowledged SQL write across SIGKILL and restart", async () => {
    const counts: number[] = [];
    for (let i = 10; i < 20; i++) counts.push((await get(`/add?arg=${i}`)) as number);
    expect(counts).toEqual(counts.map((_, i) => counts[0]! + i));
    await stop(server?.proc, "SIGKILL");
    server = await start(["--config", config], sqlData);
    const ids = ((await get("/artists")) as Array<{ artistid: number }>).map((a) => a.artistid);
    expect(ids).toEqual([1, ...Array.from({ length: 10 }, (_, i) => 10 + i), 123, 456, 789]);
    // The class and its migration tag were remembered: the same config starts again.
    expect(await get("/add?arg=99")).toBe(counts.at(-1)! + 1);
  }, 90_000);
});
