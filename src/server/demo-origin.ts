import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import type { Clock } from "../sim/clock.js";
import { POPS } from "../sim/index.js";
import type { OriginHandler } from "../edge/index.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * The demo origin, in process: a handful of resources, each with the caching headers that
 * make one behaviour of the edge visible, and the book as static files.
 */
export function demoOrigin(options: { clock: Clock; bookDir: () => Promise<string> }): OriginHandler {
  let hits = 0;
  return async (request) => {
    hits++;
    const url = new URL(request.url);
    const now = new Date(options.clock.nowMs()).toUTCString();
    if (url.pathname === "/" || url.pathname === "/index.html") return new Response(homePage(), { headers: { "content-type": TYPES[".html"]!, "cache-control": "public, max-age=30" } });
    if (url.pathname === "/time") return Response.json({ originTime: now, originHits: hits }, { headers: { "cache-control": "no-store" } });
    if (url.pathname === "/cached") return Response.json({ generatedAt: now, originHits: hits }, { headers: { "cache-control": "public, max-age=60", etag: `"v${Math.floor(options.clock.nowMs() / 60_000)}"` } });
    if (url.pathname === "/private") return Response.json({ you: request.headers.get("cf-connecting-ip") }, { headers: { "cache-control": "private, max-age=60" } });
    if (url.pathname === "/echo" && request.method !== "GET") return new Response(request.body, { headers: { "content-type": request.headers.get("content-type") ?? "application/octet-stream" } });
    if (url.pathname === "/book" || url.pathname.startsWith("/book/")) return serveBook(await options.bookDir(), url.pathname.slice("/book".length));
    return new Response("not found\n", { status: 404, headers: { "cache-control": "public, max-age=10", "content-type": "text/plain" } });
  };
}

function serveBook(dir: string, path: string): Response {
  const rel = normalize(decodeURIComponent(path === "" || path === "/" ? "/index.html" : path)).replace(/^(\.\.[/\\])+/, "");
  const file = join(dir, rel);
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    return new Response("not in the book\n", { status: 404, headers: { "content-type": "text/plain" } });
  }
  return new Response(readFileSync(file), {
    headers: { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "public, max-age=300", "cache-tag": "book" },
  });
}

function homePage(): string {
  const links = [
    ["/cached", "a cacheable JSON resource (max-age=60): MISS, then HIT"],
    ["/time", "no-store: always from the origin"],
    ["/private", "private: never shared"],
    ["/worker/hello", "a Worker answering from a V8 isolate"],
    ["/worker/visits", "a Workers KV counter (eventually consistent)"],
    ["/worker/counter", "a Durable Object counter (one instance worldwide)"],
    ["/worker/counter?pop=SYD", "the same Durable Object from Sydney: feel the round trip"],
    ["/book/", "the book"],
    ["/__edge/status", "the edge's status page"],
  ];
  return `<!doctype html><meta charset="utf-8"><title>edge-kata demo</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f4f6;padding:0 .3em}</style>
<h1>edge-kata: a local edge network</h1>
<p>This page came through the edge pipeline: anycast picked one of ${POPS.length} PoPs, then DDoS scrubbing,
TLS (modelled), the WAF, the Worker, the tiered cache and this in-process origin. Look at the
<code>cf-ray</code>, <code>cf-cache-status</code> and <code>server-timing</code> response headers.
Add <code>?pop=NRT</code> (or a <code>cf-pop</code> header) to emulate another PoP.</p>
<ul>${links.map(([href, text]) => `<li><a href="${href}">${href}</a> — ${text}</li>`).join("")}</ul>`;
}
