// Every origin body the edge opens is either read (handed on to the client, or buffered into
// the cache) or cancelled: none is held forever. A streamed origin body in proxy mode is an open
// socket, so one held per stale answer is a leak that grows with traffic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Edge, type OriginHandler } from "../../../src/edge/index.js";
import { VirtualClock } from "../../../src/sim/index.js";

const START_MS = 1_800_000_000_000;

type BodyState = "open" | "read" | "cancelled";

/** What the origin answers for one request: a status, its cache-control, and a body size. */
interface Answer {
  status: 200 | 404 | 500 | 503;
  cacheControl: string;
  bytes: number;
}

/** An origin whose every body is a stream that records whether it was read to the end or cancelled. */
function trackingOrigin(script: () => Answer): { origin: OriginHandler; bodies: BodyState[] } {
  const bodies: BodyState[] = [];
  const origin: OriginHandler = async () => {
    const { status, cacheControl, bytes } = script();
    const index = bodies.push("open") - 1;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) {
          bodies[index] = "read";
          controller.close();
          return;
        }
        const n = Math.min(16_384, bytes - sent);
        sent += n;
        controller.enqueue(new Uint8Array(n).fill(120));
      },
      cancel() {
        bodies[index] = "cancelled";
      },
    });
    return new Response(body, { status, headers: { "cache-control": cacheControl, etag: `"v${index}"` } });
  };
  return { origin, bodies };
}

const CACHE_CONTROLS = [
  "no-store",
  "private, max-age=60",
  "public, max-age=0, stale-if-error=600",
  "public, max-age=0, stale-while-revalidate=600",
  "public, max-age=1, stale-while-revalidate=600, stale-if-error=600",
  "public, max-age=60",
] as const;

const answerArb: fc.Arbitrary<Answer> = fc.record({
  status: fc.constantFrom(200 as const, 404 as const, 500 as const, 503 as const),
  cacheControl: fc.constantFrom(...CACHE_CONTROLS),
  bytes: fc.constantFrom(0, 1, 70_000),
});

const stepArb = fc.record({
  answer: answerArb,
  method: fc.constantFrom("GET", "GET", "GET", "POST"),
  path: fc.constantFrom("/a", "/b"),
  pop: fc.constantFrom("FRA", "AMS"),
  client: fc.constantFrom("read" as const, "cancel" as const, "ignore-headers-only" as const),
  advanceMs: fc.constantFrom(0, 500, 2_000),
});

async function consume(response: Response, how: "read" | "cancel" | "ignore-headers-only"): Promise<void> {
  if (how === "read") await response.arrayBuffer();
  else if (how === "cancel") await response.body?.cancel();
  // "ignore-headers-only" is a HEAD-like client that drops the response: the test then cancels
  // it at the end, as the server does when the socket closes.
}

describe("origin bodies through the cache tiers", () => {
  it("a stale-if-error answer cancels the failing origin's streamed body", async () => {
    const clock = new VirtualClock(START_MS);
    let failing = false;
    const { origin, bodies } = trackingOrigin(() =>
      failing ? { status: 500, cacheControl: "no-store", bytes: 70_000 } : { status: 200, cacheControl: "public, max-age=0, stale-if-error=600", bytes: 10 },
    );
    const edge = new Edge({ clock, seed: 4, origin });
    const first = await edge.handle(new Request("https://shop.example/page"), { clientIp: "203.0.113.5", pop: "FRA" });
    await first.response.arrayBuffer();
    failing = true;
    for (let i = 0; i < 20; i++) {
      clock.advanceMs(1_000);
      const r = await edge.handle(new Request("https://shop.example/page"), { clientIp: "203.0.113.5", pop: "FRA" });
      expect(r.response.headers.get("cf-cache-status")).toBe("STALE");
      await r.response.arrayBuffer();
    }
    await edge.cache.settled();
    await new Promise((resolve) => setImmediate(resolve));
    // Before the fix all 20 failing bodies stayed open, parked for a claim that never came.
    expect(bodies.slice(1).filter((s) => s === "open")).toEqual([]);
    expect(bodies.slice(1).every((s) => s === "cancelled")).toBe(true);
  });

  it("a background revalidation that gets an unstorable answer cancels its body", async () => {
    const clock = new VirtualClock(START_MS);
    let n = 0;
    const { origin, bodies } = trackingOrigin(() =>
      n++ === 0 ? { status: 200, cacheControl: "public, max-age=0, stale-while-revalidate=600", bytes: 10 } : { status: 200, cacheControl: "no-store", bytes: 70_000 },
    );
    const edge = new Edge({ clock, seed: 4, origin });
    await (await edge.handle(new Request("https://shop.example/swr"), { clientIp: "203.0.113.5", pop: "FRA" })).response.arrayBuffer();
    clock.advanceMs(1_000);
    const r = await edge.handle(new Request("https://shop.example/swr"), { clientIp: "203.0.113.5", pop: "FRA" });
    expect(r.response.headers.get("cf-cache-status")).toBe("UPDATING");
    await r.response.arrayBuffer();
    await edge.cache.settled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(bodies.filter((s) => s === "open")).toEqual([]);
  });

  it("property: whatever the origin answers and however the client reads, no origin body stays open", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        const clock = new VirtualClock(START_MS);
        let current: Answer = steps[0]!.answer;
        const { origin, bodies } = trackingOrigin(() => current);
        const edge = new Edge({ clock, seed: 9, origin });
        const unread: Response[] = [];
        for (const step of steps) {
          clock.advanceMs(step.advanceMs);
          current = step.answer;
          const init: RequestInit = step.method === "POST" ? { method: "POST", body: "q=1" } : {};
          const r = await edge.handle(new Request(`https://shop.example${step.path}`, init), { clientIp: "203.0.113.9", pop: step.pop });
          await consume(r.response, step.client);
          if (step.client === "ignore-headers-only") unread.push(r.response);
        }
        await edge.cache.settled();
        for (const r of unread) await r.body?.cancel();
        await new Promise((resolve) => setImmediate(resolve));
        expect(bodies.filter((s) => s === "open")).toEqual([]);
      }),
      { numRuns: 60, seed: 20261207 },
    );
  });
});
