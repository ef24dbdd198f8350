import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
async function start(): Promise<{ proc: ChildProcess; url: string }> {
  const started = await startNpmEdge(["--data", dataDir], { viaNpm: false, timeoutMs: 60_000 });
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
