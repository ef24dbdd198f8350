/**
 * RFC 9111 end to end: a real origin on 127.0.0.1, the whole edge in front of it (DDoS filter,
 * WAF, tiered cache, proxy origin) on 127.0.0.1, and a plain HTTP client. Each test uses its
 * own path so the cache state of one cannot help another. Time is the wall clock (this is a
 * real server), so staleness is produced with max-age=0 rather than by waiting.
 */
import { createHash } from "node:crypto";
import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { send, type RawResponse } from "./http-client.js";
import { deferred, startOrigin, type TestOrigin } from "./origin-server.js";
import { startEdgeUnderTest, type RunningEdge } from "./start-edge.js";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

// The stale-serving and revalidation rules below run through both cache tiers (lower tier ->
// regional upper tier -> origin): each tier must pass on what the origin said, not what the
// tier above it made of it (a STALE answer from the upper tier is an error for the lower one).

/** Which site runs in front of the origin. */
export type EdgeMode = "no-worker" | "demo-worker";

// Longer than any loopback transfer here takes; a buffering pipeline never finishes at all.
const DEADLOCK_MS = 2_000;

/** Rejects if `work` has not settled after DEADLOCK_MS (the pipeline is holding the body whole). */
async function deadlockFree<T>(work: Promise<T>, unblock: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      unblock();
      reject(new Error(`no progress after ${DEADLOCK_MS} ms: the edge holds the body instead of streaming it`));
    }, DEADLOCK_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

edgeProxySuite("no-worker");
edgeProxySuite("demo-worker");

/**
 * `no-worker`: a site config with no worker, so the edge is a pure caching proxy.
 * `demo-worker`: exactly `npm start -- --origin URL`, where the demo site's Worker runs first and
 * its `fetch(request)` goes through the cache to the origin. The Worker passes the request and
 * the origin's response on untouched, so their bodies stay on the host as streams and never
 * enter the isolate (src/workers/body-streams.ts): every test below holds in both modes.
 */
function edgeProxySuite(mode: EdgeMode): void {
  describe(`proxy mode end to end (${mode})`, () => {
    const routes = new Map<string, Route>();
    /** Paths whose origin connection is reset: the origin is failing for them. */
    const failing = new Set<string>();
    const hits = new Map<string, IncomingMessage[]>();
    let origin: TestOrigin;
    let edge: RunningEdge;

    beforeAll(async () => {
      origin = await startOrigin((req, res) => {
        const path = new URL(req.url ?? "/", "http://x").pathname;
        hits.set(path, [...(hits.get(path) ?? []), req]);
        if (failing.has(path)) return void req.socket.destroy();
        req.resume(); // Read any request body; the routes below answer on headers alone.
        const route = routes.get(path);
        if (!route) return void res.writeHead(404).end("no route");
        route(req, res);
      });
      edge = await startEdgeUnderTest(origin.url, mode);
    });

    afterAll(async () => {
      await edge?.close();
      await origin?.close();
    });

    function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
      return send(`${edge.url}${path}`, { method, headers });
    }

    function originHits(path: string): number {
      return hits.get(path)?.length ?? 0;
    }

    /** Serves a fixed answer; `version` lets a test change the body between requests. */
    function route(path: string, headers: () => Record<string, string>, body: () => string = () => `body of ${path}`): void {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", ...headers() });
        res.end(body());
      });
    }

    /** Background work (stale-while-revalidate) runs after the answer: wait for the origin to see it. */
    async function untilOriginHits(path: string, count: number): Promise<void> {
      for (let i = 0; i < 200 && originHits(path) < count; i++) await new Promise((r) => setTimeout(r, 10));
      expect(originHits(path)).toBe(count);
    }

    describe("storing and freshness (RFC 9111 §3, §4.2)", () => {
      test("Cache-Control: public, max-age=60 — MISS then HIT, the origin asked once", async () => {
        route("/fresh", () => ({ "cache-control": "public, max-age=60" }));
        const first = await get("/fresh");
        const second = await get("/fresh");
        expect(first.headers["cf-cache-status"]).toBe("MISS");
        expect(second.headers["cf-cache-status"]).toBe("HIT");
        expect(second.body).toBe("body of /fresh");
        expect(originHits("/fresh")).toBe(1);
        expect(second.headers.via).toContain("1.1 edge-kata");
      });

      test("the origin sees the proxy headers: Via, X-Forwarded-For, CF-Connecting-IP, the client's Host", async () => {
        route("/headers", () => ({ "cache-control": "no-store" }));
        await get("/headers", { host: "shop.example.test", "x-forwarded-for": "203.0.113.9" });
        const seen = hits.get("/headers")![0]!;
        expect(seen.headers.host).toBe("shop.example.test");
        expect(seen.headers.via).toBe("1.1 edge-kata");
        expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
        expect(seen.headers["cf-connecting-ip"]).toBe("127.0.0.1");
      });

      test("s-maxage wins over max-age for the shared cache (§5.2.2.10)", async () => {
        route("/smaxage", () => ({ "cache-control": "max-age=0, s-maxage=60" }));
        await get("/smaxage");
        const second = await get("/smaxage");
        expect(second.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/smaxage")).toBe(1);
      });

      test("Expires in the future (relative to Date) makes a response fresh (§5.3)", async () => {
        route("/expires", () => ({ date: new Date().toUTCString(), expires: new Date(Date.now() + 60_000).toUTCString() }));
        await get("/expires");
        const second = await get("/expires");
        expect(second.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/expires")).toBe(1);
      });

      test("heuristic freshness: a 200 with only Last-Modified (10 days old) is reused (§4.2.2)", async () => {
        route("/heuristic", () => ({ date: new Date().toUTCString(), "last-modified": new Date(Date.now() - 10 * 86_400_000).toUTCString() }));
        await get("/heuristic");
        const second = await get("/heuristic");
        expect(second.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/heuristic")).toBe(1);
      });

      test("no explicit or heuristic freshness and no validator: every request goes to the origin", async () => {
        route("/no-freshness", () => ({}));
        await get("/no-freshness");
        const second = await get("/no-freshness");
        expect(second.headers["cf-cache-status"]).not.toBe("HIT");
        expect(originHits("/no-freshness")).toBe(2);
      });

      test("Age is present on a hit and includes the Age the origin sent (§4.2.3, §5.1)", async () => {
        route("/age", () => ({ "cache-control": "public, max-age=600", age: "30" }));
        await get("/age");
        const hit = await get("/age");
        expect(hit.headers["cf-cache-status"]).toBe("HIT");
        expect(hit.headers.age).toMatch(/^\d+$/);
        expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(30);
      });

      test("Vary: Accept-Encoding keeps the variants apart (§4.1)", async () => {
        routes.set("/vary", (req, res) => {
          res.writeHead(200, { "cache-control": "public, max-age=60", vary: "Accept-Encoding" });
          res.end(`variant for ${req.headers["accept-encoding"] ?? "none"}`);
        });
        const gzip1 = await get("/vary", { "accept-encoding": "gzip" });
        const br = await get("/vary", { "accept-encoding": "br" });
        const gzip2 = await get("/vary", { "accept-encoding": "gzip" });
        expect(gzip1.body).toBe("variant for gzip");
        expect(br.body).toBe("variant for br");
        expect(br.headers["cf-cache-status"]).toBe("MISS");
        expect(gzip2.body).toBe("variant for gzip");
        expect(gzip2.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/vary")).toBe(2);
      });
    });

    describe("what must not be stored (§3, §3.5)", () => {
      test("no-store is never stored", async () => {
        route("/no-store", () => ({ "cache-control": "no-store, max-age=60" }));
        const first = await get("/no-store");
        const second = await get("/no-store");
        expect(first.body).toBe("body of /no-store");
        expect(second.headers["cf-cache-status"]).not.toBe("HIT");
        expect(originHits("/no-store")).toBe(2);
      });

      test("private is not stored by the shared cache", async () => {
        route("/private", () => ({ "cache-control": "private, max-age=60" }));
        await get("/private");
        const second = await get("/private");
        expect(second.headers["cf-cache-status"]).not.toBe("HIT");
        expect(originHits("/private")).toBe(2);
      });

      test("a request with Authorization is not answered from cache when the response says only max-age", async () => {
        route("/auth-plain", () => ({ "cache-control": "max-age=60" }));
        await get("/auth-plain", { authorization: "Bearer a" });
        const second = await get("/auth-plain", { authorization: "Bearer a" });
        expect(second.headers["cf-cache-status"]).not.toBe("HIT");
        expect(originHits("/auth-plain")).toBe(2);
      });

      test("a request with Authorization is answered from cache when the response is public or has s-maxage", async () => {
        route("/auth-public", () => ({ "cache-control": "public, max-age=60" }));
        route("/auth-smaxage", () => ({ "cache-control": "s-maxage=60" }));
        for (const path of ["/auth-public", "/auth-smaxage"]) {
          await get(path, { authorization: "Bearer a" });
          const second = await get(path, { authorization: "Bearer a" });
          expect(second.headers["cf-cache-status"], path).toBe("HIT");
          expect(originHits(path), path).toBe(1);
        }
      });

      test("CDN-Cache-Control wins over Cache-Control for the edge (RFC 9213 §2.1)", async () => {
        route("/cdn-cc", () => ({ "cache-control": "no-store", "cdn-cache-control": "max-age=60" }));
        await get("/cdn-cc");
        const second = await get("/cdn-cc");
        expect(second.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/cdn-cc")).toBe(1);
        // The browser still gets the origin's own Cache-Control.
        expect(second.headers["cache-control"]).toBe("no-store");
      });
    });

    describe("validation (§4.3)", () => {
      test("ETag: a stale entry is revalidated with If-None-Match; the origin's 304 becomes a 200 with updated headers, REVALIDATED", async () => {
        let version = 1;
        routes.set("/etag", (req, res) => {
          if (req.headers["if-none-match"] === '"v1"') return void res.writeHead(304, { etag: '"v1"', "cache-control": "max-age=0", "x-version": String(version) }).end();
          res.writeHead(200, { etag: '"v1"', "cache-control": "max-age=0", "x-version": String(version) });
          res.end("etag body");
        });
        await get("/etag");
        version = 2;
        const second = await get("/etag");
        expect(hits.get("/etag")![1]!.headers["if-none-match"]).toBe('"v1"');
        expect(second.status).toBe(200);
        expect(second.body).toBe("etag body");
        expect(second.headers["x-version"]).toBe("2");
        expect(second.headers["cf-cache-status"]).toBe("REVALIDATED");
      });

      test("Last-Modified: revalidated with If-Modified-Since; 304 becomes 200, REVALIDATED", async () => {
        const lastModified = new Date(Date.now() - 3_600_000).toUTCString();
        routes.set("/last-modified", (req, res) => {
          if (req.headers["if-modified-since"] === lastModified) return void res.writeHead(304, { "cache-control": "max-age=0", "last-modified": lastModified }).end();
          res.writeHead(200, { "cache-control": "max-age=0", "last-modified": lastModified });
          res.end("lm body");
        });
        await get("/last-modified");
        const second = await get("/last-modified");
        expect(hits.get("/last-modified")![1]!.headers["if-modified-since"]).toBe(lastModified);
        expect(second.status).toBe(200);
        expect(second.body).toBe("lm body");
        expect(second.headers["cf-cache-status"]).toBe("REVALIDATED");
      });

      test("no-cache: stored, but every use is validated with the origin first (§5.2.2.4)", async () => {
        routes.set("/no-cache", (req, res) => {
          if (req.headers["if-none-match"] === '"n1"') return void res.writeHead(304, { etag: '"n1"', "cache-control": "no-cache" }).end();
          res.writeHead(200, { etag: '"n1"', "cache-control": "no-cache, max-age=600" });
          res.end("no-cache body");
        });
        await get("/no-cache");
        const second = await get("/no-cache");
        const third = await get("/no-cache");
        expect(originHits("/no-cache")).toBe(3);
        expect(hits.get("/no-cache")![2]!.headers["if-none-match"]).toBe('"n1"');
        expect(second.headers["cf-cache-status"]).toBe("REVALIDATED");
        expect(third.body).toBe("no-cache body");
      });
    });

    describe("serving stale (§4.2.4, RFC 5861)", () => {
      test("stale-while-revalidate: the stale copy is served at once (UPDATING) and then refreshed in the background", async () => {
        let version = 1;
        routes.set("/swr", (_req, res) => {
          // Version 1 is stale at once; version 2 is fresh for a minute.
          res.writeHead(200, { etag: `"s${version}"`, "cache-control": version === 1 ? "max-age=0, stale-while-revalidate=60" : "max-age=60" });
          res.end(`swr v${version}`);
        });
        await get("/swr");
        version = 2;
        const stale = await get("/swr");
        expect(["UPDATING", "STALE"]).toContain(stale.headers["cf-cache-status"]);
        expect(stale.body).toBe("swr v1");
        await untilOriginHits("/swr", 2);
        const refreshed = await get("/swr");
        expect(refreshed.body).toBe("swr v2");
        expect(refreshed.headers["cf-cache-status"]).toBe("HIT");
        expect(originHits("/swr")).toBe(2);
      });

      test("stale-if-error: a failing origin gets the stale copy served (STALE)", async () => {
        route("/sie", () => ({ etag: '"e1"', "cache-control": "max-age=0, stale-if-error=60" }));
        await get("/sie");
        failing.add("/sie");
        const answer = await get("/sie");
        expect(originHits("/sie")).toBe(2);
        expect(answer.status).toBe(200);
        expect(answer.body).toBe("body of /sie");
        expect(answer.headers["cf-cache-status"]).toBe("STALE");
      });

      test("without stale-if-error a failing origin gives 502 'error code: 502', not the stale copy", async () => {
        route("/no-sie", () => ({ etag: '"e2"', "cache-control": "max-age=0" }));
        await get("/no-sie");
        failing.add("/no-sie");
        const answer = await get("/no-sie");
        expect(answer.status).toBe(502);
        expect(answer.body).toContain("error code: 502");
      });

      for (const directive of ["must-revalidate", "proxy-revalidate"]) {
        test(`${directive}: a stale entry is never served when the origin fails, even with stale-if-error (§5.2.2.2, §5.2.2.8)`, async () => {
          const path = `/${directive}`;
          route(path, () => ({ etag: '"m1"', "cache-control": `max-age=0, ${directive}, stale-if-error=60, stale-while-revalidate=60` }));
          await get(path);
          failing.add(path);
          const answer = await get(path);
          expect(originHits(path)).toBe(2);
          expect(answer.status).toBeGreaterThanOrEqual(500);
          expect(answer.body).not.toBe(`body of ${path}`);
          expect(answer.headers["cf-cache-status"]).not.toBe("STALE");
        });
      }
    });

    describe("invalidation (§4.4)", () => {
      for (const method of ["POST", "PUT", "DELETE"]) {
        test(`a successful ${method} invalidates the stored GET response for its URL`, async () => {
          const path = `/invalidate-${method.toLowerCase()}`;
          routes.set(path, (req, res) => {
            if (req.method !== "GET") return void res.writeHead(200, { "content-type": "text/plain" }).end("changed");
            res.writeHead(200, { "cache-control": "public, max-age=600" });
            res.end(`${path} v${originHits(path)}`);
          });
          await get(path);
          expect((await get(path)).headers["cf-cache-status"]).toBe("HIT");
          const write = await send(`${edge.url}${path}`, { method, body: "payload", headers: { "content-type": "text/plain" } });
          expect(write.status).toBe(200);
          const after = await get(path);
          expect(after.headers["cf-cache-status"]).toBe("MISS");
          expect(originHits(path)).toBe(3);
        });
      }
    });

    describe("a truncated origin body is never passed off as whole", () => {
      test("a cacheable response cut mid-body is not stored: the client gets 502 and the next request goes to the origin again", async () => {
        routes.set("/truncated", (_req, res) => {
          res.writeHead(200, { "cache-control": "public, max-age=600", "content-length": "100000" });
          res.write(Buffer.alloc(5000, 0x61), () => res.socket?.destroy());
        });
        const first = await get("/truncated");
        const second = await get("/truncated");
        expect(first.status).toBe(502);
        expect(second.status).toBe(502);
        expect(second.headers["cf-cache-status"]).not.toBe("HIT");
        expect(originHits("/truncated")).toBe(2);
      });

      test("an uncacheable streamed response cut mid-body never reaches the client as a clean 200", async () => {
        routes.set("/truncated-stream", (_req, res) => {
          res.writeHead(200, { "cache-control": "no-store", "content-length": "100000" });
          res.write(Buffer.alloc(5000, 0x62), () => res.socket?.destroy());
        });
        // The status line has gone out already (the Worker, too, passes the body on as it
        // streams): the edge can only break the connection.
        await expect(get("/truncated-stream")).rejects.toThrow();
      });
    });

    describe("bodies are streamed through the whole edge", () => {
      // The gates below, not the sizes, prove streaming: a pipeline that holds a body whole never
      // lets the origin (or the client) reach its gate.
      const MB = 1024 * 1024;

      test("an upload reaches the origin while the client is still sending, and arrives intact", async () => {
        const firstBytesAtOrigin = deferred();
        const hash = createHash("sha256");
        let received = 0;
        routes.set("/upload", (req, res) => {
          req.pause();
          req.on("data", (chunk: Buffer) => {
            received += chunk.length;
            hash.update(chunk);
            firstBytesAtOrigin.resolve();
          });
          req.on("end", () => res.writeHead(200, { "cache-control": "no-store" }).end(`${received} ${hash.digest("hex")}`));
          req.resume();
        });
        const chunk = Buffer.alloc(MB / 4, 0x5a);
        let upload: ClientRequest | undefined;
        const answer = await deadlockFree(new Promise<string>((resolve, reject) => {
          const req = httpRequest(`${edge.url}/upload`, { method: "POST", headers: { "content-type": "application/octet-stream" }, agent: false }, (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve(text));
          });
          upload = req;
          req.on("error", reject);
          req.write(chunk);
          // The rest is sent only once the origin has seen bytes: a buffering edge would hang here.
          void firstBytesAtOrigin.promise.then(() => {
            for (let i = 1; i < 4; i++) req.write(chunk);
            req.end();
          });
        }), () => upload?.destroy());
        const expected = createHash("sha256");
        for (let i = 0; i < 4; i++) expected.update(chunk);
        expect(answer).toBe(`${MB} ${expected.digest("hex")}`);
      }, 20_000);

      test("a large uncacheable download reaches the client before the origin has finished writing it", async () => {
        const release = deferred();
        let originFinished = false;
        routes.set("/download", async (_req, res) => {
          res.writeHead(200, { "cache-control": "no-store", "content-length": String(2 * MB) });
          for (let i = 0; i < 7; i++) if (!res.write(Buffer.alloc(MB / 4, i))) await new Promise((r) => res.once("drain", r));
          await release.promise;
          originFinished = true;
          res.end(Buffer.alloc(MB / 4, 7));
        });
        const { firstChunkBeforeOriginFinished, total } = await deadlockFree(new Promise<{ firstChunkBeforeOriginFinished: boolean; total: number }>((resolve, reject) => {
          httpRequest(`${edge.url}/download`, { agent: false }, (res) => {
            let total = 0;
            let first: boolean | undefined;
            res.on("data", (d: Buffer) => {
              if (first === undefined) {
                first = !originFinished;
                release.resolve();
              }
              total += d.length;
            });
            res.on("end", () => resolve({ firstChunkBeforeOriginFinished: first ?? false, total }));
            res.on("error", reject);
          })
            .on("error", reject)
            .end();
        }), () => release.resolve());
        expect(firstChunkBeforeOriginFinished).toBe(true);
        expect(total).toBe(2 * MB);
      }, 20_000);
    });

    describe("large bodies", () => {
      test("an 8 MB uncacheable download arrives whole", async () => {
        const size = 8 * 1024 * 1024;
        routes.set("/eight-mb", (_req, res) => res.writeHead(200, { "cache-control": "no-store" }).end(Buffer.alloc(size, 0x63)));
        const answer = await get("/eight-mb");
        expect(answer.status).toBe(200);
        expect(answer.body.length).toBe(size);
      });
    });

    describe("the origin stops", () => {
      beforeAll(async () => {
        route("/stop-sie", () => ({ etag: '"x1"', "cache-control": "max-age=0, stale-if-error=600" }));
        route("/stop-plain", () => ({ "cache-control": "no-store" }));
        await get("/stop-sie");
        await origin.close();
      });

      test("origin server stopped: content without stale-if-error gets 502 naming the origin and ECONNREFUSED", async () => {
        const down = await get("/stop-plain");
        expect(down.status).toBe(502);
        expect(down.body).toMatch(/^error code: 502\nORIGIN_UNREACHABLE: cannot reach origin http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
      });

      test("origin server stopped: stale-if-error content is served, marked STALE", async () => {
        const stale = await get("/stop-sie");
        expect(stale.status).toBe(200);
        expect(stale.body).toBe("body of /stop-sie");
        expect(stale.headers["cf-cache-status"]).toBe("STALE");
      });
    });
  });
}
