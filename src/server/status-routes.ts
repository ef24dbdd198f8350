import type { Edge } from "../edge/index.js";
import type { KvStore } from "../kv/index.js";
import { POPS } from "../sim/index.js";
import type { SiteConfig } from "./site-config.js";
import type { WorkerDeployment } from "./worker-deployment.js";

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

interface RouteContext {
  edge: Edge;
  kv: KvStore;
  site: SiteConfig;
  originUrl: string | undefined;
  deployment: WorkerDeployment | undefined;
}

/**
 * The edge's own pages, answered before the pipeline: `/__edge/status` (HTML),
 * `/__edge/pops` (JSON), `POST /__edge/purge?url=…|tag=…`, and `/__scheduled?cron=…`, which runs
 * the worker's `scheduled` handler as `wrangler dev --test-scheduled` does (Cloudflare "Cron
 * Triggers: test locally"), at `?pop=` or the default PoP.
 */
export function statusRoutes(ctx: RouteContext): (request: Request, url?: URL) => Promise<Response | undefined> {
  // `url`: the request's URL when the caller has parsed it already (the same as `new URL(request.url)`).
  return async (request, url = new URL(request.url)) => {
    if (url.pathname === "/__scheduled" && ctx.deployment !== undefined) {
      const cron = url.searchParams.get("cron") ?? ctx.site.wrangler.crons[0] ?? "* * * * *";
      const result = await ctx.deployment.scheduled(cron, url.searchParams.get("pop") ?? "IAD");
      const lines = result.logs.map((l) => `[${l.level}] ${l.message}\n`).join("");
      if (result.outcome !== "ok") return new Response(`scheduled event failed: ${result.outcome}\n${lines}`, { status: 500 });
      return new Response(`Ran scheduled event (cron "${cron}")\n${lines}`, { headers: { "cache-control": "no-store" } });
    }
    if (!url.pathname.startsWith("/__edge/")) return undefined;
    if (url.pathname === "/__edge/pops") {
      return Response.json({ pops: POPS, busiest: ctx.edge.selector.busiest().slice(0, 20) });
    }
    if (url.pathname === "/__edge/purge") {
      if (request.method !== "POST") return new Response("use POST\n", { status: 405, headers: { allow: "POST" } });
      const target = url.searchParams.get("url");
      const tag = url.searchParams.get("tag");
      // A path purges this host's URL, as Cloudflare's purge takes the full URL.
      if (target) return Response.json({ purged: ctx.edge.cache.purgeUrl(new URL(target, url.origin).href) });
      if (tag) return Response.json({ purged: ctx.edge.cache.purgeTag(tag) });
      return new Response("give ?url= or ?tag=\n", { status: 400 });
    }
    if (url.pathname === "/__edge/status") return new Response(statusPage(ctx), { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
    return new Response("no such edge page\n", { status: 404 });
  };
}

function statusPage(ctx: RouteContext): string {
  const rows = ctx.edge.selector
    .busiest()
    .slice(0, 25)
    .map((b) => {
      const pop = POPS.find((p) => p.code === b.code);
      return `<tr><td>${esc(b.code)}</td><td>${esc(pop?.city ?? "")}</td><td>${esc(pop?.country ?? "")}</td><td>${b.weight.toFixed(1)}</td></tr>`;
    })
    .join("");
  const w = ctx.site.wrangler;
  return `<!doctype html><meta charset="utf-8"><title>edge-kata status</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>
<h1>edge-kata status</h1>
<p>${POPS.length} PoPs announce the anycast prefix. Origin: ${ctx.originUrl ? `proxy to <code>${esc(ctx.originUrl)}</code>` : "the in-process demo site"}.
Worker: ${ctx.site.project ? `<code>${esc(w.name)}</code> with KV ${w.kvNamespaces.map((k) => esc(k.binding)).join(", ") || "none"} and Durable Objects ${w.durableObjects.map((d) => esc(d.name)).join(", ") || "none"}` : "none"}.
Requests the origin has seen through the cache: ${ctx.edge.cache.originRequests}.</p>
${kvSection(ctx.kv)}
<h2>Busiest catchments (BGP, by client traffic weight)</h2>
<table><tr><th>PoP</th><th>City</th><th>Country</th><th>Weight</th></tr>${rows}</table>`;
}

/** KV is cached where it is read: what each PoP and regional tier holds, and when it next times out. */
function kvSection(kv: KvStore): string {
  const nowMs = kv.clock.nowMs();
  const reads = kv.readsBy;
  const caches = kv.cacheSummary().filter((c) => c.live > 0);
  const rows = caches
    .slice(0, 25)
    .map((c) => `<tr><td>${esc(c.location)}</td><td>${c.kind === "pop" ? "PoP cache" : "regional tier"}</td><td>${c.live}</td><td>${c.nextExpiryMs === undefined ? "" : `${((c.nextExpiryMs - nowMs) / 1000).toFixed(1)} s`}</td></tr>`)
    .join("");
  return `<h2>Workers KV caches</h2>
<p>KV keeps data in its central stores and caches it where it is read, for the read's <code>cacheTtl</code> ("not found" too); nothing is pushed to PoPs, so a PoP sees another PoP's write once its copy times out.
Reads answered so far: ${reads.pop} by the PoP's own cache, ${reads.tier} by a regional tier, ${reads.central} by a central store.</p>
${caches.length === 0 ? "<p>No PoP or tier holds a live KV copy.</p>" : `<table><tr><th>Location</th><th>Layer</th><th>Live copies</th><th>Next expiry in</th></tr>${rows}</table>`}`;
}
