/**
 * A fingerprint of the simulation mode: ~20k mixed requests through one `Edge` in virtual time
 * (cacheable, private, streamed, stale-while-revalidate, stale-if-error with a failing origin,
 * conditional, HEAD, POST with bodies, WAF attacks, IPv4/IPv6 clients, PoP overrides, and a
 * worker in front for part of the run), hashed response by response (status, headers, body,
 * PoP, drop) and origin request by origin request (method, URL, headers, body).
 *
 * A change that claims to keep the simulation byte-identical (a faster request path, say) must
 * print the same two digests before and after. Measured stage durations are 0 on a virtual
 * clock; the one real figure, the isolate's CPU time (`worker-cpu`), is masked. The isolate's CPU
 * budget is real time, though: on a heavily loaded machine a run may exceed it and answer 1102,
 * so `responsesWithoutWorker` (the part before the worker is attached) is the figure that must
 * match exactly; compare `responses` on a quiet machine.
 *
 * Run: node --no-node-snapshot --import tsx bench/sim-digest.ts [requests]
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Edge, PerPopWorkers, type OriginHandler } from "../src/edge/index.js";
import { Rng, VirtualClock } from "../src/sim/index.js";

const SEED = 4242;
const WORKER_SOURCE = `export default { async fetch(request, env, ctx) {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/w/echo")) return new Response(request.method + " " + (request.headers.get("cf-connecting-ip") ?? "") + " " + (await request.text()), { headers: { "x-w": "1", "set-cookie": "a=1" } });
  if (url.pathname.startsWith("/w/throw")) throw new Error("boom");
  const r = await fetch(request);
  return new Response(r.body, r);
} };`;

export interface SimDigest {
  requests: number;
  responses: string;
  /** The responses before the worker is attached: no real CPU budget involved, so identical on any machine load. */
  responsesWithoutWorker: string;
  origin: string;
  originRequests: number;
  statuses: Record<string, number>;
}

function origin(seen: (line: string) => void, rng: Rng): OriginHandler {
  let n = 0;
  return async (request) => {
    n++;
    const body = request.body === null ? "" : await request.text();
    const fields: string[] = [];
    request.headers.forEach((v, k) => fields.push(`${k}: ${v}`));
    seen(`${request.method} ${request.url}\n${fields.join("\n")}\n\n${body}`);
    const path = new URL(request.url).pathname;
    const rank = Number(path.slice(path.lastIndexOf("/") + 1)) || 0;
    if (path.startsWith("/sie/") && rng.nextU32() % 3 === 0) return new Response("origin down", { status: 503, headers: { "cache-control": "no-store" } });
    if (path.startsWith("/static/")) return new Response(`static ${rank} ${"x".repeat(rank % 50)}`, { headers: { "cache-control": `public, max-age=${[1, 60, 3600][rank % 3]}`, etag: `"v${rank}"`, "content-type": "text/plain", ...(rank % 7 === 0 ? { vary: "accept-language" } : {}) } });
    if (path.startsWith("/private/")) return new Response(`private ${n}`, { headers: { "cache-control": "private, max-age=60" } });
    if (path.startsWith("/swr/")) return new Response(`swr ${n}`, { headers: { "cache-control": "max-age=1, stale-while-revalidate=30", "cache-tag": "swr" } });
    if (path.startsWith("/sie/")) return new Response(`sie ${n}`, { headers: { "cache-control": "max-age=1, stale-if-error=600" } });
    if (path.startsWith("/stream/")) {
      const chunks = [`stream ${n} `, "part two"];
      return new Response(new ReadableStream({ pull(c) { const next = chunks.shift(); if (next === undefined) c.close(); else c.enqueue(new TextEncoder().encode(next)); } }), { status: rank % 4 === 0 ? 201 : 200, statusText: "Streamed", headers: { "cache-control": "no-store", "set-cookie": "s=1" } });
    }
    if (path.startsWith("/empty/")) return new Response(null, { status: 204 });
    return new Response(`dynamic ${request.method} ${n} ${body.length}`, { headers: { "cache-control": "no-store", "x-origin": "1" } });
  };
}

const KINDS = ["static", "static", "static", "static", "private", "swr", "sie", "stream", "empty", "dyn"] as const;

function client(rng: Rng): string {
  const r = rng.nextU32() % 10;
  // A small pool of addresses, so anycast sends them to a few dozen PoPs whose caches warm up.
  if (r === 0) return `2001:db8::${(rng.nextU32() % 16).toString(16)}`;
  if (r === 1) return `::ffff:10.0.0.${rng.nextU32() % 16}`;
  return `10.${rng.nextU32() % 4}.0.${rng.nextU32() % 16}`;
}

function nextRequest(rng: Rng, worker: boolean): Request {
  const kind = KINDS[rng.nextU32() % KINDS.length] as (typeof KINDS)[number];
  const rank = rng.nextU32() % 60;
  const roll = rng.nextU32() % 20;
  let path = `/${kind}/${rank}`;
  if (worker && roll < 3) path = `/w/echo/${rank}`;
  if (worker && roll === 3) path = `/w/throw/${rank}`;
  if (roll === 4) path += "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E";
  if (roll === 5) path += `?a=${rank}&b=%20x`;
  const headers: Record<string, string> = { accept: "*/*", "user-agent": "Mozilla/5.0 digest" };
  if (roll === 6) headers["if-none-match"] = `"v${rank}"`;
  if (roll === 7) headers["accept-language"] = rng.nextU32() % 2 === 0 ? "en" : "fr";
  if (roll === 8) headers["early-data"] = "1";
  if (roll === 9) headers["x-forwarded-for"] = "192.0.2.9";
  const method = roll === 10 ? "POST" : roll === 11 ? "HEAD" : roll === 12 ? "PUT" : "GET";
  const init: RequestInit = { method, headers };
  if (method === "POST" || method === "PUT") init.body = `body ${rank} ${"y".repeat(rank)}`;
  return new Request(`https://shop.example${path}`, init);
}

export async function simDigest(requests = 20_000): Promise<SimDigest> {
  const clock = new VirtualClock(1_800_000_000_000);
  const rng = new Rng(SEED);
  const responses = createHash("sha256");
  const originHash = createHash("sha256");
  let originRequests = 0;
  const edge = new Edge({ clock, seed: SEED, origin: origin((line) => { originRequests++; originHash.update(line); }, rng.fork("origin")), ddosRules: ["ip.src in 10.3.0.0/28 and ip.src != 10.3.0.1 and tcp.dstport == 443"] });
  const traffic = rng.fork("traffic");
  const statuses: Record<string, number> = {};
  const workerFrom = Math.floor(requests * 0.9);
  let responsesWithoutWorker = "";
  for (let i = 0; i < requests; i++) {
    if (i === workerFrom) responsesWithoutWorker = responses.copy().digest("hex");
    if (i === workerFrom) edge.attachWorker(new PerPopWorkers({ name: "digest", source: WORKER_SOURCE, clock, originFor: (pop) => edge.originFor(pop) }));
    clock.advanceMs(traffic.nextU32() % 400);
    const request = nextRequest(traffic, i >= workerFrom);
    const pop = traffic.nextU32() % 4 === 0 ? ["LHR", "NRT", "IAD", "GRU", "fra"][traffic.nextU32() % 5] : undefined;
    const result = await edge.handle(request, { clientIp: client(traffic), ...(pop === undefined ? {} : { pop }) });
    const r = result.response;
    const fields: string[] = [];
    r.headers.forEach((v, k) => fields.push(`${k}: ${k === "server-timing" ? v.replace(/worker-cpu;dur=[\d.]+/, "worker-cpu") : v}`));
    const body = new Uint8Array(await r.arrayBuffer());
    responses.update(`${i} ${result.pop} ${result.drop} ${r.status} ${r.statusText}\n${fields.join("\n")}\n\n`);
    responses.update(body);
    const status = r.headers.get("cf-cache-status") ?? String(r.status);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (i % 1000 === 999) await edge.cache.settled();
  }
  await edge.cache.settled();
  edge.attachWorker(undefined);
  return { requests, responses: responses.digest("hex"), responsesWithoutWorker, origin: originHash.digest("hex"), originRequests, statuses };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await simDigest(Number(process.argv[2] ?? 20_000)), null, 2));
}
