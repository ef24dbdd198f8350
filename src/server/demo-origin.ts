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

/** What each header the inspector shows means, in one sentence. */
const HEADER_HELP: Record<string, string> = {
  "cf-ray": "this request's id: 16 hex digits and the PoP that answered (quote it when you report a problem)",
  "cf-cache-status": "what the cache did: MISS (fetched from the origin and stored), HIT (served from this PoP), EXPIRED/REVALIDATED (stale copy checked), BYPASS (the origin said no-store or private), DYNAMIC (not cacheable, or a Worker answered)",
  age: "seconds this copy has spent in the cache (RFC 9111 §5.1)",
  "cache-control": "the origin's caching rules the edge obeys (max-age, no-store, private…)",
  "server-timing": "each stage's cost in ms; desc says whether it was measured on this machine or modelled (the network this laptop cannot feel)",
};

function homePage(): string {
  const links = [
    ["/cached", "a cacheable JSON resource (max-age=60): MISS, then HIT"],
    ["/time", "no-store: always from the origin"],
    ["/private", "private: never shared"],
    ["/worker/hello", "a Worker answering from a V8 isolate"],
    ["/worker/visits", "a Workers KV counter (eventually consistent; at most one write per second per key)"],
    ["/worker/counter?pop=LHR", "a Durable Object counter (one instance worldwide): it says where it lives"],
    ["/worker/counter?pop=SYD", "the same Durable Object from Sydney: feel the round trip"],
    ["/book/", "the book"],
    ["/__edge/status", "the edge's status page"],
  ];
  const inspectable = (href: string): boolean => !href.startsWith("/book") && !href.startsWith("/__edge");
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>edge-kata demo</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}code{background:#f3f4f6;padding:0 .3em}
button{font:inherit;font-size:.85rem;margin-left:.4rem}table{border-collapse:collapse;margin:.4rem 0;font-size:.9rem}td,th{border-bottom:1px solid #ddd;padding:.15rem .5rem;text-align:left;vertical-align:top}
#inspector section{border:1px solid #ccc;border-radius:6px;padding:.2rem .9rem;margin:.8rem 0}.modelled{color:#8a4b00}.measured{color:#1a7f37}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem}</style>
<h1>edge-kata: a local edge network</h1>
<p>This page came through the edge pipeline: anycast picked one of ${POPS.length} PoPs, then DDoS scrubbing,
TLS (modelled), the WAF, the Worker, the tiered cache and this in-process origin. Press <b>inspect</b> to make a
request from this page and see its <code>cf-ray</code>, <code>cf-cache-status</code> and <code>server-timing</code>
headers, explained. Add <code>?pop=NRT</code> (or a <code>cf-pop</code> header) to emulate another PoP.</p>
<ul>${links.map(([href, text]) => `<li><a href="${href}">${href}</a> — ${text}${inspectable(href!) ? `<button type="button" data-inspect="${href}">inspect</button>` : ""}</li>`).join("")}</ul>
<h2>Inspector</h2>
<p>Newest request first. Times marked <span class="measured">measured</span> were taken on this machine's clock;
<span class="modelled">modelled</span> ones come from the latency model (a client's distance to the PoP, TLS round
trips, the backbone), which a request to 127.0.0.1 cannot feel, so they are added to the header, not waited for.</p>
<div id="inspector"><p id="inspector-empty">No request yet.</p></div>
<script>
const HELP = ${JSON.stringify(HEADER_HELP).replace(/</g, "\\u003c")};
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
function stages(header) {
  const out = [];
  for (const m of (header || "").matchAll(/([\\w-]+);dur=([\\d.]+)(?:;desc="([^"]*)")?/g)) {
    const desc = m[3] || "";
    const modelled = desc.startsWith("modelled");
    out.push({ name: m[1], ms: Number(m[2]), kind: modelled ? "modelled" : "measured", what: modelled ? desc.replace(/^modelled: ?/, "") : "" });
  }
  return out;
}
async function inspect(href) {
  const started = performance.now();
  const response = await fetch(href, { cache: "no-store" });
  const wallMs = performance.now() - started;
  const body = await response.text();
  const rows = Object.keys(HELP).filter((h) => response.headers.has(h) && h !== "server-timing")
    .map((h) => '<tr><th>' + h + '</th><td><code>' + esc(response.headers.get(h)) + '</code></td><td>' + esc(HELP[h]) + '</td></tr>').join("");
  const st = stages(response.headers.get("server-timing"));
  const sum = (kind) => st.filter((s) => s.kind === kind).reduce((a, s) => a + s.ms, 0).toFixed(1);
  const timing = st.map((s) => '<tr class="stage"><td>' + esc(s.name) + '</td><td>' + s.ms.toFixed(1) + '</td><td class="' + s.kind + '">' + s.kind + '</td><td>' + esc(s.what) + '</td></tr>').join("");
  const section = document.createElement("section");
  section.innerHTML = '<h3><code>GET ' + esc(href) + '</code> → <span class="status">' + response.status + '</span> in ' + wallMs.toFixed(0) + ' ms here</h3>' +
    '<table class="headers">' + rows + '</table>' +
    '<p><code>server-timing</code>: ' + esc(HELP["server-timing"]) + ' — measured ' + sum("measured") + ' ms, modelled ' + sum("modelled") + ' ms.</p>' +
    '<table class="timing"><tr><th>stage</th><th>ms</th><th>how</th><th>model</th></tr>' + timing + '</table>' +
    '<pre class="body"></pre>';
  section.querySelector(".body").textContent = body.slice(0, 2000);
  document.getElementById("inspector-empty")?.remove();
  document.getElementById("inspector").prepend(section);
}
for (const button of document.querySelectorAll("[data-inspect]")) button.addEventListener("click", () => inspect(button.dataset.inspect));
</script>`;
}
