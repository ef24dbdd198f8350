import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Edge, PerPopWorkers } from "../../../src/edge/index.js";
import { forwardedHeaderPairs } from "../../../src/edge/edge.js";
import { REQUEST_ID_HEADER, STREAM_ID_HEADER } from "../../../src/edge/origin-bridge.js";
import { VirtualClock } from "../../../src/sim/index.js";
import { headerPairs, type HeaderPairs } from "../../../src/workers/index.js";

/** What the worker used to receive: a copy of the request's fields with the client address set and the internal ones removed. */
function reference(request: Request, clientIp: string): HeaderPairs {
  const headers = new Headers(request.headers);
  headers.set("cf-connecting-ip", clientIp);
  headers.delete(REQUEST_ID_HEADER);
  headers.delete(STREAM_ID_HEADER);
  return headerPairs(headers);
}

// Names around the inserted one in sort order, the internal ones in any case, Set-Cookie, prototype keys.
const NAMES = ["accept", "cf-connecting-ip", "CF-Connecting-IP", "cf-connecting-ipx", "cf-connecting-i", "cf-ray", "cookie", "set-cookie", "Set-Cookie", "x-a", "zz", REQUEST_ID_HEADER, STREAM_ID_HEADER.toUpperCase(), "__proto__", "constructor", "a", "~"];
const VALUES = fc.oneof(fc.constantFrom("", "v", "1, 2", "a=b; Path=/", "  padded  ", "ünïcode".normalize("NFC").replace(/[^\x00-\xff]/g, "u")), fc.stringMatching(/^[ -~]{0,12}$/));
// Plain addresses (the fast path), and what is not one (the general path, validated by Headers).
const CLIENTS = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("::ffff:10.0.0.1", "::1", "", "unknown", " 10.0.0.1", "10.0.0.1 ", "fe80::1%eth0", "é", "a\tb"));

describe("forwardedHeaderPairs: the worker's field list without a second Request", () => {
  it("equals the copied-and-set Headers' pairs, order included, for any fields and client string", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...NAMES), VALUES), { maxLength: 12 }), CLIENTS, (fields, clientIp) => {
        const headers = new Headers();
        for (const [name, value] of fields) headers.append(name, value);
        const request = new Request("https://shop.example/", { headers });
        let expected: HeaderPairs | Error;
        try {
          expected = reference(request, clientIp);
        } catch (e) {
          expected = e as Error;
        }
        if (expected instanceof Error) expect(() => forwardedHeaderPairs(request, clientIp)).toThrow(expected.constructor as new () => Error);
        else expect(forwardedHeaderPairs(request, clientIp)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the worker behind the edge sees the forwarded fields", () => {
  const clock = new VirtualClock(1_800_000_000_000);
  const edge = new Edge({ clock, seed: 3, origin: async () => new Response("origin") });
  const echo = "export default { fetch: (request) => Response.json([...request.headers]) };";
  edge.attachWorker(new PerPopWorkers({ name: "echo", source: echo, clock, cpuMsMax: 1_000, originFor: (pop) => edge.originFor(pop) }));
  afterAll(() => edge.attachWorker(undefined));

  it("client address replaces a spoofed one, internal names are dropped, Set-Cookie keeps its order", async () => {
    const headers = new Headers([
      ["CF-Connecting-IP", "6.6.6.6"],
      [REQUEST_ID_HEADER.toUpperCase(), "forged"],
      [STREAM_ID_HEADER, "7"],
      ["Set-Cookie", "b=2"],
      ["set-cookie", "a=1"],
      ["x-z", "last"],
      ["accept", "*/*"],
    ]);
    for (const clientIp of ["203.0.113.9", "2001:db8::7", "::ffff:203.0.113.9"]) {
      const request = new Request("https://shop.example/", { headers });
      const seen = (await (await edge.handle(request, { clientIp })).response.json()) as HeaderPairs;
      expect(seen).toEqual([
        ["accept", "*/*"],
        ["cf-connecting-ip", clientIp],
        // The isolate's Headers iterates sorted too, each Set-Cookie in the order it came.
        ["set-cookie", "b=2"],
        ["set-cookie", "a=1"],
        ["x-z", "last"],
      ]);
    }
  });

  it("a client string that is no plain address reaches the worker as Headers would carry it", async () => {
    const seen = (await (await edge.handle(new Request("https://shop.example/"), { clientIp: " unknown " })).response.json()) as HeaderPairs;
    expect(seen).toContainEqual(["cf-connecting-ip", "unknown"]);
  });
});
