// IsolatePool: many tenants in one process, LRU eviction under a heap budget, never evicting
// an isolate with a request in flight, and prewarming.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/sim/clock.js";
import { IsolatePool } from "../../../src/workers/index.js";

const HELLO = `export default { async fetch(request) {
  if (new URL(request.url).pathname === "/slow") { await fetch("https://origin.example/"); }
  return new Response("hello"); } };`;

let pool: IsolatePool;
afterEach(() => pool.dispose());

function deployMany(n: number, origin?: (r: Request) => Promise<Response>): string[] {
  const ids = Array.from({ length: n }, (_, i) => `script-${i}`);
  for (const id of ids) pool.deploy(id, HELLO, { name: id, cpuMsMax: 1_000 }, origin ? { origin } : {});
  return ids;
}

const hit = (id: string, path = "/") => pool.fetch(id, new Request(`https://${id}.example${path}`));

describe("IsolatePool", () => {
  it("the first request is cold, the next ones are warm", async () => {
    pool = new IsolatePool({ memoryBytesMax: 1 << 30, clock: new VirtualClock(0) });
    const [id] = deployMany(1);
    expect((await hit(id!)).cold).toBe(true);
    const warm = await hit(id!);
    expect(warm.cold).toBe(false);
    expect(await warm.response.text()).toBe("hello");
    expect(pool.stats()).toMatchObject({ scripts: 1, warm: 1, coldStarts: 1, evictions: 0 });
    expect(pool.stats().heapBytes).toBeGreaterThan(0);
  });

  it("evicts least-recently-used isolates to stay within the measured heap budget", async () => {
    pool = new IsolatePool({ memoryBytesMax: 1 << 30, clock: new VirtualClock(0) });
    const ids = deployMany(5);
    await hit(ids[0]!);
    const perIsolate = pool.stats().heapBytes;
    pool.dispose();
    // A budget for about two and a half isolates.
    pool = new IsolatePool({ memoryBytesMax: Math.floor(perIsolate * 2.5), clock: new VirtualClock(0) });
    deployMany(5);
    for (const id of ids) await hit(id);
    const stats = pool.stats();
    expect(stats.heapBytes).toBeLessThanOrEqual(Math.floor(perIsolate * 2.5));
    expect(stats.warm).toBeLessThanOrEqual(2);
    expect(stats.evictions).toBeGreaterThanOrEqual(3);
    // The most recent tenant is warm; the oldest was evicted and is cold again.
    expect(pool.worker(ids[4]!).warm).toBe(true);
    expect(pool.worker(ids[0]!).warm).toBe(false);
    expect((await hit(ids[0]!)).cold).toBe(true);
    expect((await hit(ids[0]!)).cold).toBe(false);
  });

  it("never evicts an isolate with a request in flight, even when it is the least recently used", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    pool = new IsolatePool({ memoryBytesMax: 1, clock: new VirtualClock(0) }); // every isolate is over budget
    const ids = deployMany(3, async () => {
      await gate;
      return new Response("origin");
    });
    const slow = hit(ids[0]!, "/slow"); // stays in flight until the gate opens
    while (!pool.worker(ids[0]!).warm || pool.worker(ids[0]!).inFlight === 0) await new Promise((r) => setImmediate(r));
    await hit(ids[1]!);
    await hit(ids[2]!);
    expect(pool.worker(ids[0]!).warm).toBe(true);
    expect(pool.worker(ids[0]!).inFlight).toBeGreaterThan(0);
    release();
    const done = await slow;
    expect(done.outcome).toBe("ok");
    expect(await done.response.text()).toBe("hello");
    await hit(ids[1]!); // the next use re-checks the budget; now script-0 is idle and evictable
    expect(pool.worker(ids[0]!).warm).toBe(false);
  });

  it("prewarm builds the isolate before the request so the request is warm", async () => {
    pool = new IsolatePool({ memoryBytesMax: 1 << 30, clock: new VirtualClock(0) });
    const [id] = deployMany(1);
    const warming = pool.prewarm(id!); // e.g. started on the TLS ClientHello's SNI
    await warming;
    const r = await hit(id!);
    expect(r.cold).toBe(false);
    expect(pool.stats().coldStarts).toBe(1);
  });

  it("an unknown script id and a syntax error are typed errors, the latter naming the line", () => {
    pool = new IsolatePool({ memoryBytesMax: 1 << 30, clock: new VirtualClock(0) });
    expect(() => pool.worker("nope")).toThrow(expect.objectContaining({ code: "WORKER_NOT_FOUND", status: 404 }));
    const broken = "export default {\n  async fetch(request) {\n    return new Response('x'\n  }\n};";
    expect(() => pool.deploy("bad", broken, { name: "bad" })).toThrow(expect.objectContaining({ code: "WORKER_SCRIPT_INVALID" }));
    expect(() => pool.deploy("bad", broken, { name: "bad" })).toThrow(/SyntaxError: missing \) after argument list at line 3/);
  });

  it.each([
    [{ name: "" }, "name must be a non-empty string"],
    [{ name: "w", cpuMsMax: -1 }, "cpuMsMax is -1"],
    [{ name: "w", memoryMbMax: 4 }, "memoryMbMax is 4; it must be an integer >= 8"],
    [{ name: "w", vars: { "not-an-identifier": "x" } }, 'binding name "not-an-identifier"'],
    [{ name: "w", vars: { KV: "x" }, kvNamespaces: { KV: {} as never } }, 'binding "KV" is declared twice'],
  ])("a bad config %j is a WORKER_CONFIG_INVALID error naming the value", (config, message) => {
    pool = new IsolatePool({ memoryBytesMax: 1 << 30, clock: new VirtualClock(0) });
    expect(() => pool.deploy("w", HELLO, config)).toThrow(expect.objectContaining({ code: "WORKER_CONFIG_INVALID", name: "ConfigError", exitCode: 2 }));
    expect(() => pool.deploy("w", HELLO, config)).toThrow(message);
  });
});
