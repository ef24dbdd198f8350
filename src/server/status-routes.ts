import type { Edge } from "../edge/index.js";
import type { KvStore } from "../kv/index.js";
import { POPS } from "../sim/index.js";
import type { SiteConfig } from "./site-config.js";
import type { TrafficLog } from "./traffic-log.js";
import type { WorkerDeployment } from "./worker-deployment.js";

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

interface RouteContext {
  edge: Edge;
  kv: KvStore;
  site: SiteConfig;
  originUrl: string | undefined;
  deployment: WorkerDeployment | undefined;
  /** What the server has served (absent when the routes are used without a server). */
  traffic?: TrafficLog;
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
      const result = await ctx.deployment.scheduled(cron, url.searchParams.get("pop") ?? ctx.edge.originPop);
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

/** The page reloads itself this often, so the traffic tables stay live. */
const STATUS_REFRESH_S = 5;

function statusPage(ctx: RouteContext): string {
  const busiest = ctx.edge.selector.busiest();
  const totalWeight = busiest.reduce((sum, b) => sum + b.weight, 0) || 1;
  const rows = busiest
    .slice(0, 25)
    .map((b) => {
      const pop = POPS.find((p) => p.code === b.code);
      return `<tr><td>${esc(b.code)}</td><td>${esc(pop?.city ?? "")}</td><td>${esc(pop?.country ?? "")}</td><td>${((100 * b.weight) / totalWeight).toFixed(1)}%</td></tr>`;
    })
    .join("");
  const w = ctx.site.wrangler;
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>edge-kata status</title>
<meta http-equiv="refresh" content="${STATUS_REFRESH_S}">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}.note{color:#59636e}</style>
<h1>edge-kata status</h1>
<p class="note">What the local edge is doing, reloaded every ${STATUS_REFRESH_S} s. Figures marked <em>modelled</em> come from the simulated network; figures marked <em>served</em> count requests this server has really answered since it started.</p>
<p>${POPS.length} PoPs announce the anycast prefix. Origin: ${ctx.originUrl ? `proxy to <code>${esc(ctx.originUrl)}</code>` : "the in-process demo site"}.
Worker: ${ctx.site.project ? `<code>${esc(w.name)}</code> with KV ${w.kvNamespaces.map((k) => esc(k.binding)).join(", ") || "none"} and Durable Objects ${w.durableObjects.map((d) => esc(d.name)).join(", ") || "none"}` : "none"}.
Requests the origin has seen through the cache: ${ctx.edge.cache.originRequests}.</p>
${trafficSection(ctx.traffic)}
${kvSection(ctx.kv)}
<h2>Busiest catchments (modelled)</h2>
<p>Every PoP announces the same address, and BGP, not distance, decides which PoP a network's route reaches: that PoP's <em>catchment</em> is the set of networks that land on it.
This table is the simulated Internet's answer: the share of the world's client traffic (the client populations' weights) whose converged best route ends at each PoP.
A request here is given a client network from its address (or <code>?pop=</code> picks the PoP), so your own requests land on these PoPs in these proportions; the <em>served</em> table above counts where they did.</p>
<table><tr><th>PoP</th><th>City</th><th>Country</th><th>Share of modelled client traffic</th></tr>${rows}</table>`;
}

/** Requests this server has answered: per PoP, per cache status, and the latest ones. */
function trafficSection(traffic: TrafficLog | undefined): string {
  if (!traffic) return "";
  if (traffic.total === 0) return `<h2>Traffic (served)</h2><p>No request has gone through the edge yet: open the demo site, then come back.</p>`;
  const pops = traffic
    .byPop()
    .slice(0, 10)
    .map((p) => `<tr><td>${esc(p.pop)}</td><td>${p.requests}</td></tr>`)
    .join("");
  const statuses = traffic
    .byCacheStatus()
    .map((c) => `${esc(c.status || "(none)")} ${c.requests}`)
    .join(", ");
  const recent = traffic
    .recent()
    .map((r) => `<tr><td>${new Date(r.atMs).toISOString().slice(11, 19)}</td><td>${esc(r.method)}</td><td><code>${esc(r.path)}</code></td><td>${esc(r.pop)}</td><td>${r.dropped ? "dropped" : r.status}</td><td>${esc(r.cacheStatus)}</td></tr>`)
    .join("");
  return `<h2>Traffic (served)</h2>
<p>${traffic.total} requests through the edge since it started${traffic.dropped > 0 ? `, ${traffic.dropped} of them dropped by the DDoS filter` : ""}. By <code>cf-cache-status</code>: ${statuses}.</p>
<table><tr><th>PoP</th><th>Requests</th></tr>${pops}</table>
<h3>Latest requests (UTC)</h3>
<table><tr><th>Time</th><th>Method</th><th>Path</th><th>PoP</th><th>Status</th><th>Cache</th></tr>${recent}</table>`;
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
