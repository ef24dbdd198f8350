import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cacheRequest, parseCacheControl, type CacheRequest, type CacheResponse } from "../../../src/cache/index.js";
import { setup, status } from "./origin-fixture.js";

// Origin policies the model understands; each origin fetch takes the next one from a script.
const POLICIES = [
  "max-age=5",
  "max-age=5, stale-while-revalidate=5",
  "max-age=5, stale-if-error=10",
  "no-store, max-age=60",
  "private, max-age=60",
  "no-cache",
  "s-maxage=5, max-age=60, stale-if-error=30",
  "max-age=0, must-revalidate",
  "public, max-age=8, stale-while-revalidate=4, stale-if-error=4",
];

type Command =
  | { kind: "advance"; seconds: number }
  | { kind: "get"; user: "alice" | "bob"; lang: "en" | "fr"; path: "/a" | "/b" }
  | { kind: "purge"; path: "/a" | "/b" }
  | { kind: "post"; path: "/a" | "/b" };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("advance" as const), seconds: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant("get" as const), user: fc.constantFrom("alice" as const, "bob" as const), lang: fc.constantFrom("en" as const, "fr" as const), path: fc.constantFrom("/a" as const, "/b" as const) }),
  fc.record({ kind: fc.constant("get" as const), user: fc.constantFrom("alice" as const, "bob" as const), lang: fc.constantFrom("en" as const, "fr" as const), path: fc.constantFrom("/a" as const, "/b" as const) }),
  fc.record({ kind: fc.constant("purge" as const), path: fc.constantFrom("/a" as const, "/b" as const) }),
  fc.record({ kind: fc.constant("post" as const), path: fc.constantFrom("/a" as const, "/b" as const) }),
);

interface Fetched {
  user: string;
  lang: string;
  cc: string;
  vary: boolean;
  validatedAtMs: number;
}

const originStep = fc.record({ policy: fc.nat(POLICIES.length - 1), vary: fc.boolean(), fail: fc.constantFrom("no", "no", "no", "503", "network") });

describe("HttpCache properties (model-based)", () => {
  it("never leaks private responses, never serves beyond what freshness and stale directives allow, keeps Age exact and monotone, separates Vary variants, and forgets purged URLs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), fc.array(originStep, { minLength: 1, maxLength: 20 }), async (commands, script) => {
        const fetched = new Map<string, Fetched>();
        let step = 0;
        const validations: [Fetched, number][] = [];
        const applyValidations = (): void => {
          for (const [f, at] of validations.splice(0)) f.validatedAtMs = at;
        };
        const { clock, cache } = setup((request: CacheRequest, n: number) => {
          const s = script[step++ % script.length]!;
          if (s.fail === "network") return "network-error";
          if (s.fail === "503") return { status: 503, headers: {}, body: "down" };
          const tag = request.headers["if-none-match"]?.replace(/"/g, "");
          const known = tag !== undefined ? fetched.get(tag) : undefined;
          if (known) {
            // Applied after the check of the response in hand: an UPDATING answer is the old one.
            validations.push([known, clock.nowMs()]);
            return { status: 304, headers: { etag: `"${tag}"`, "cache-control": known.cc }, body: "" };
          }
          if (request.method !== "GET") return { status: 200, headers: {}, body: "posted" };
          const id = `id${n}`;
          const cc = POLICIES[s.policy]!;
          fetched.set(id, { user: request.headers["cookie"]!, lang: request.headers["accept-language"]!, cc, vary: s.vary, validatedAtMs: clock.nowMs() });
          return { status: 200, headers: { "cache-control": cc, etag: `"${id}"`, ...(s.vary ? { vary: "accept-language" } : {}) }, body: id };
        });
        const mustRefetch = new Set<string>();
        const lastAge = new Map<string, { validatedAtMs: number; age: number }>();
        for (const c of commands) {
          if (c.kind === "advance") clock.advanceMs(c.seconds * 1000);
          else if (c.kind === "purge") {
            cache.purgeUrl(`https://a.example${c.path}`);
            mustRefetch.add(c.path);
          } else if (c.kind === "post") {
            const r = await cache.handle(cacheRequest(`https://a.example${c.path}`, { method: "POST" }));
            if (r.status === 200) mustRefetch.add(c.path);
          } else {
            const r: CacheResponse = await cache.handle(cacheRequest(`https://a.example${c.path}`, { headers: { cookie: c.user, "accept-language": c.lang } }));
            const st = status(r)!;
            if (st !== "UPDATING") applyValidations();
            if (mustRefetch.has(c.path)) {
              expect(["MISS", "BYPASS", "DYNAMIC"], "a purged URL comes from the origin").toContain(st);
              mustRefetch.delete(c.path);
            }
            const meta = fetched.get(String(r.body));
            if (r.status !== 200 || !meta) continue;
            const cc = parseCacheControl(meta.cc);
            if (meta.user !== c.user) expect(cc.private || cc.noStore, `${meta.cc} served to another user`).toBe(false);
            if (meta.vary) expect(meta.lang, "Vary: accept-language").toBe(c.lang);
            const ageMs = clock.nowMs() - meta.validatedAtMs;
            const lifetimeMs = (cc.sMaxAgeS ?? cc.maxAgeS ?? 0) * 1000;
            const mayBeStale = !cc.noCache && !cc.mustRevalidate && cc.sMaxAgeS === undefined;
            if (st === "HIT") expect(!cc.noCache && ageMs < lifetimeMs, `HIT at age ${ageMs} of ${meta.cc}`).toBe(true);
            else if (st === "UPDATING") expect(mayBeStale && ageMs <= lifetimeMs + (cc.staleWhileRevalidateS ?? -1) * 1000).toBe(true);
            else if (st === "STALE") expect(mayBeStale && ageMs <= lifetimeMs + (cc.staleIfErrorS ?? -1) * 1000).toBe(true);
            else expect(ageMs, `${st} must be straight from the origin`).toBe(0);
            // Responses that were never stored (BYPASS, DYNAMIC) carry no Age.
            if (st === "BYPASS" || st === "DYNAMIC") continue;
            expect(Number(r.headers["age"]), "Age header").toBe(Math.floor(ageMs / 1000));
            const prev = lastAge.get(String(r.body));
            if (prev && prev.validatedAtMs === meta.validatedAtMs) expect(Number(r.headers["age"])).toBeGreaterThanOrEqual(prev.age);
            lastAge.set(String(r.body), { validatedAtMs: meta.validatedAtMs, age: Number(r.headers["age"]) });
          }
          await cache.settled();
          applyValidations();
        }
      }),
      { numRuns: 150 },
    );
  });
});
