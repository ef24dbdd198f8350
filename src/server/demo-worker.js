// The demo site's Worker: an unmodified Cloudflare module worker, run in a V8 isolate.
// /worker/visits  — a visit counter in Workers KV (eventually consistent, 1 write/s per key)
// /worker/counter — a counter in a Durable Object (one instance worldwide, serialized), with
//                   where it lives and the round trip to it
// anything else   — passed on with fetch(), which goes through this PoP's cache to the origin
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const colo = request.cf && request.cf.colo;
    if (url.pathname === "/worker/visits") {
      const seen = Number((await env.DEMO_KV.get("visits")) ?? "0") + 1;
      try {
        await env.DEMO_KV.put("visits", String(seen));
      } catch (error) {
        // KV allows one write per second per key: a busy counter is exactly what KV is bad at.
        return Response.json({ visits: seen, stored: false, colo, refused: String(error && error.message), why: env.KV_WRITE_LIMIT });
      }
      return Response.json({ visits: seen, stored: true, colo, note: "KV: reads come from this PoP's cache and may be up to cacheTtl (60 s) old; see Q2" });
    }
    if (url.pathname === "/worker/counter") {
      const id = env.COUNTER.idFromName("global");
      const started = Date.now(); // advances on I/O, so this measures the trip to the object and back
      const answer = await env.COUNTER.get(id).fetch(new Request(request.url, { headers: { "x-caller-colo": String(colo) } }));
      const body = await answer.json();
      const roundTripMs = Date.now() - started;
      return Response.json({ ...body, calledFrom: colo, roundTripMs, why: env.DO_PLACEMENT });
    }
    if (url.pathname === "/worker/hello") {
      return new Response(`Hello from a V8 isolate at ${colo} (${env.GREETING})\n`, { headers: { "content-type": "text/plain" } });
    }
    return fetch(request);
  },
};

export class Counter {
  constructor(state, env) {
    this.state = state;
  }

  async fetch(request) {
    // Storage awaits hold the input gate, so read-increment-write cannot lose an update.
    const count = ((await this.state.storage.get("count")) ?? 0) + 1;
    await this.state.storage.put("count", count);
    // The object is placed near the PoP of the request that created it, and this instance was
    // created by that request: remember its PoP in memory (not in storage: after a restart the
    // object is placed again, by whichever request comes first).
    this.livesIn ??= request.headers.get("x-caller-colo");
    return Response.json({ count, livesIn: this.livesIn, object: this.state.id.toString().slice(0, 12) });
  }
}
