import { EDGE_ONLY_HEADERS, PopCacheApi, TieredCache, cacheRequestFromRequest, regionalUpperTiers, type CacheApiBackend, type CacheRequest, type CacheResponse } from "../cache/index.js";
import { EdgeError } from "../core/errors.js";
import { copyFields } from "../cache/http-message.js";
import { bufferedResponse, isFreshResponse, rewrapResponse } from "../core/buffered-body.js";
import { DdosDetector, compileFilter, makePacket, parseRule, type Packet, type PacketPredicate } from "../ddos/index.js";
import { ipv4Of, parseIp, parseIpv4, readIpv4, type IpBytes } from "../core/ip-address.js";
import { timeToFirstByte } from "../net/index.js";
import { OriginRouter } from "../routing/index.js";
import { LatencyModel, ORIGIN_POP_DEFAULT, POPS, Rng, hashString, type Clock } from "../sim/index.js";
import { Waf, wafRequestFromRequest, wafRequestWithBody, type WafOptions } from "../waf/index.js";
import { edgeErrorResponse, WAF_BLOCK_CODE } from "./error-pages.js";
import { OriginBridge, REQUEST_ID_HEADER, STREAM_ID_HEADER, type OriginContext, type OriginHandler } from "./origin-bridge.js";
import { PopSelector } from "./pop-selector.js";
import { requestCf } from "./request-cf.js";
import { StageTimer } from "./stage-timer.js";
import type { WorkerHost } from "./worker-host.js";
import { headerPairs, type HeaderPairs, type WorkerResult } from "../workers/index.js";

export interface EdgeOptions {
  /** Wall clock in the server, virtual clock in simulations. */
  clock: Clock;
  /** Seeds the AS graph (anycast catchments), TLS secrets and modelled jitter. */
  seed: number;
  /**
   * Makes `cf-ray` ids differ between runs with the same `seed`: the server passes a value
   * drawn once per process start, so ids never repeat across restarts; a simulation leaves it
   * out and its ids replay with the seed. @defaultValue `seed`
   */
  raySeed?: string;
  origin: OriginHandler;
  /** Built with the edge's own `originFor(pop)` as its subrequest target (see `attachWorker`). */
  worker?: WorkerHost;
  /** WAF rules; `false` turns the WAF off. @defaultValue the managed ruleset at PL1 */
  waf?: Omit<WafOptions, "clock"> | false;
  /** L3/L4 drop rules in the filter language, applied before anything else. */
  ddosRules?: readonly string[];
  /** Packets per PoP per second before the detector writes a drop rule. @defaultValue 50_000 */
  ddosPacketsPerSecondMax?: number;
  /** Regional upper tier before the origin. @defaultValue true */
  tieredCache?: boolean;
  /** PoP nearest the origin, for the modelled backbone leg. @defaultValue `ORIGIN_POP_DEFAULT` ("IAD") */
  originPop?: string;
  /**
   * Argo-style smart routing for the origin leg: the fastest measured path over the congested
   * PoP mesh when it beats BGP's (a zone's `[routing] smart = true`). @defaultValue false
   */
  smartRouting?: boolean;
  /** Sees every worker run (outcome, logs): the server prints exceptions and limit kills. */
  onWorkerResult?: (pop: string, result: WorkerResult) => void;
}

export interface EdgeRequestContext {
  clientIp: string;
  /** Emulate this PoP instead of the anycast choice (from `?pop=`, `cf-pop` or `--pop`). */
  pop?: string;
  /** The client's HTTP version as the server read it, for `request.cf.httpProtocol`. @defaultValue "HTTP/1.1" */
  httpProtocol?: string;
}

/** The pipeline's answer; `drop` means an L3/L4 rule dropped it (the server resets the socket). */
export interface EdgeResult {
  response: Response;
  pop: string;
  drop: boolean;
}

const FORWARDED_INTERNAL = [REQUEST_ID_HEADER, STREAM_ID_HEADER];
// The anycast addresses every simulated packet is sent to (TEST-NET-2, RFC 5737, and the
// IPv6 documentation prefix, RFC 3849).
const EDGE_ADDRESS = parseIpv4("198.51.100.1");
const EDGE_ADDRESS6 = parseIp("2001:db8::1") as IpBytes;
// Client strings that are no address at all are folded into TEST-NET-1 (RFC 5737).
const UNKNOWN_CLIENT_NET = parseIpv4("192.0.2.0");
const ESTABLISHED_FLAGS = { syn: false, ack: true, fin: false, rst: false, psh: true };
const CLIENT_IP_HEADER = "cf-connecting-ip";
const PLAIN_ADDRESS = /^[0-9a-fA-F.:]+$/;
// Bounds the memo of scheme-and-authority prefixes to host names.
const HOST_MEMO_ENTRIES_MAX = 1024;

/**
 * The request journey at one PoP: anycast picked it, then L3/L4 scrubbing, the TLS handshake
 * (modelled), the WAF, the customer's Worker if one is deployed, the tiered cache and finally
 * the origin. Every response carries `cf-ray`, `cf-cache-status` and `server-timing`.
 */
export class Edge {
  readonly cache: TieredCache;
  readonly selector: PopSelector;
  /** The PoP nearest the origin (`EdgeOptions.originPop`, resolved once). */
  readonly originPop: string;
  readonly #options: EdgeOptions;
  readonly #bridge: OriginBridge;
  readonly #waf: Waf | undefined;
  readonly #ddosRules: PacketPredicate[];
  readonly #detectors = new Map<string, DdosDetector>();
  readonly #latency: LatencyModel;
  readonly #rng: Rng;
  #worker: WorkerHost | undefined;
  readonly #cacheApis = new Map<string, CacheApiBackend>();
  #rays = 0;
  readonly #hosts = new Map<string, string>();
  readonly #routing: OriginRouter;

  constructor(options: EdgeOptions) {
    this.#options = options;
    this.originPop = options.originPop ?? ORIGIN_POP_DEFAULT;
    this.#rng = new Rng(options.seed);
    this.selector = new PopSelector({ seed: options.seed });
    this.#bridge = new OriginBridge(options.origin);
    this.cache = new TieredCache({
      clock: options.clock,
      origin: this.#bridge.upstream,
      lowerTiers: POPS.map((p) => p.code),
      ...(options.tieredCache === false ? {} : { upperTierOf: regionalUpperTiers(POPS) }),
    });
    this.#waf = options.waf === false ? undefined : new Waf({ clock: options.clock, ...(options.waf ?? {}) });
    this.#ddosRules = (options.ddosRules ?? []).map((rule) => compileFilter(parseRule(rule)));
    this.#latency = new LatencyModel({ rng: this.#rng.fork("latency") });
    this.#routing = new OriginRouter({ pops: POPS, rng: this.#rng.fork("routing"), smart: options.smartRouting ?? false });
    this.#worker = options.worker;
  }

  /** Deploys (or replaces) the worker in front of the cache. */
  attachWorker(worker: WorkerHost | undefined): void {
    this.#worker?.dispose();
    this.#worker = worker;
  }

  /** Where a worker running at `pop` sends `fetch()`: through this PoP's cache to the origin. */
  originFor(pop: string): (request: Request) => Promise<Response> {
    return (request) => this.#throughCache(request, cacheRequestFromRequest(request), { pop, clientIp: request.headers.get("cf-connecting-ip") ?? "0.0.0.0" }).then((r) => r.response);
  }

  /** The Workers Cache API of a worker running at `pop` (`caches.default`, `caches.open`): that PoP's cache tier. */
  cacheApiFor(pop: string): CacheApiBackend {
    let api = this.#cacheApis.get(pop);
    if (api === undefined) {
      const tier = this.cache.lowerTier(pop);
      if (tier === undefined) throw new EdgeError("CACHE_UNKNOWN_POP", 400, `PoP "${pop}" has no cache tier`);
      api = new PopCacheApi(tier, this.#options.clock);
      this.#cacheApis.set(pop, api);
    }
    return api;
  }

  async handle(request: Request, ctx: EdgeRequestContext): Promise<EdgeResult> {
    const timer = new StageTimer(this.#options.clock);
    const choice = this.selector.choose(ctx.clientIp, ctx.pop);
    const pop = choice.pop.code;
    // Cloudflare's shape, 16 hex digits and the PoP: a hash of (ray seed, n) then n itself, so
    // ids are unique within a run and, with a per-start ray seed, across runs.
    const ray = `${(hashString(`${this.#options.raySeed ?? this.#options.seed}:${++this.#rays}`) >>> 0).toString(16).padStart(8, "0")}${(this.#rays & 0xffffffff).toString(16).padStart(8, "0")}-${pop}`;
    // Responses this method built itself are decorated in place; a Worker's may be immutable.
    const finish = (response: Response, cacheStatus?: string): EdgeResult => ({ response: decorate(response, ray, timer, cacheStatus, true), pop, drop: false });

    if (timer.timeSync("ddos", () => this.#dropped(request, ctx.clientIp, pop))) {
      return { response: edgeErrorResponse(503, "ddos", "dropped by an L3/L4 rule"), pop, drop: true };
    }
    const rttMs = 2 * this.#latency.propagationMs(choice.client, choice.pop);
    timer.model("client-rtt", rttMs, `client ${choice.client.city} to ${pop} (${choice.by})`);
    this.#handshake(request, pop, rttMs, timer);

    // With a body, the WAF reads its front and the rest of the journey gets a stream that
    // replays those bytes and continues with the remainder (see waf/body.ts).
    if (this.#waf && request.body !== null) {
      const waf = this.#waf;
      const { inspected, forward } = await wafRequestWithBody(request, ctx.clientIp, waf.bodyInspectBytes);
      request = forward;
      const verdict = timer.timeSync("waf", () => waf.inspect(inspected));
      if (verdict.action !== "allow") {
        const headers = { "cf-mitigated": verdict.action, "cf-waf-rule": verdict.ruleId ?? "managed" };
        await request.body?.cancel().catch(() => undefined);
        return finish(edgeErrorResponse(403, WAF_BLOCK_CODE, `Access denied (${verdict.action}, rule ${verdict.ruleId ?? "?"})`, headers));
      }
    }
    const verdict = request.body !== null ? undefined : timer.timeSync("waf", () => this.#waf?.inspect(wafRequestFromRequest(request, ctx.clientIp)));
    if (verdict && verdict.action !== "allow") {
      const headers = { "cf-mitigated": verdict.action, "cf-waf-rule": verdict.ruleId ?? "managed" };
      return finish(edgeErrorResponse(403, WAF_BLOCK_CODE, `Access denied (${verdict.action}, rule ${verdict.ruleId ?? "?"})`, headers));
    }
    if (this.#worker) {
      // The worker gets the request's own body and the forwarded field list (client address
      // added, internal fields removed), without a second `Request` built only to carry them.
      const forwarded = forwardedHeaderPairs(request, ctx.clientIp);
      const cf = requestCf({ choice, rttMs, acceptEncoding: request.headers.get("accept-encoding"), ...(ctx.httpProtocol !== undefined && { httpProtocol: ctx.httpProtocol }), ...(verdict !== undefined && { botScore: verdict.botScore }) });
      const result = await timer.time("worker", () => this.#worker!.run(request, pop, cf, forwarded));
      timer.measured("worker-cpu", result.cpuMs, `${result.cold ? "cold" : "warm"} isolate, ${result.outcome}`);
      this.#options.onWorkerResult?.(pop, result);
      // The worker's answer copied out of its isolate is a fresh host object: decorated in place.
      const response = result.response;
      return { response: decorate(response, ray, timer, response.headers.get("cf-cache-status") ?? "DYNAMIC", isFreshResponse(response)), pop, drop: false };
    }
    // The cache sees the request as forwarded (client address added, internal headers removed)
    // without building that intermediate Request: the bridge only needs the original's body.
    const creq = cacheRequestWithClientIp(request, ctx.clientIp);
    const { response, status, decorated } = await timer.time("cache", () => this.#throughCache(request, creq, { pop, clientIp: ctx.clientIp }, ray));
    if (status === "MISS" || status === "EXPIRED" || status === "DYNAMIC" || status === "BYPASS" || status === "REVALIDATED") {
      this.#originLeg(pop, timer);
    }
    if (!decorated) return finish(response, status);
    // Built with cf-ray, cf-cache-status and server already: only the timing is left to add.
    response.headers.set("server-timing", timer.header());
    return { response, pop, drop: false };
  }

  /**
   * Lower tier -> upper tier -> origin, with streamed bodies for what is not stored. Given the
   * request's `ray`, the response is built with the edge's own headers already in place
   * (`decorated`), the result `decorate` would give, minus `server-timing`.
   */
  async #throughCache(request: Request, creq: CacheRequest, ctx: OriginContext, ray?: string): Promise<{ response: Response; status: string; decorated: boolean }> {
    const id = this.#bridge.register(request, ctx);
    try {
      const headers = copyFields(creq.headers);
      headers[REQUEST_ID_HEADER] = id;
      const answer: CacheResponse = await this.cache.handle(ctx.pop, { ...creq, headers });
      const status = answer.headers["cf-cache-status"] ?? "DYNAMIC";
      const live = this.#bridge.claimStream(answer.headers[STREAM_ID_HEADER]);
      if (live) {
        const response = ray === undefined ? undefined : decoratedStream(live, status, ray);
        if (response) return { response, status, decorated: true };
        return { response: withHeaders(live, { "cf-cache-status": status }), status, decorated: false };
      }
      const response = ray === undefined ? undefined : decoratedAnswer(answer, status, ray);
      if (response) return { response, status, decorated: true };
      return { response: toResponse(answer), status, decorated: false };
    } finally {
      this.#bridge.release(id);
    }
  }

  #dropped(request: Request, clientIp: string, pop: string): boolean {
    const packet = clientPacket(clientIp, 64 + request.url.length);
    if (this.#ddosRules.some((matches) => matches(packet))) return true;
    let detector = this.#detectors.get(pop);
    if (!detector) {
      detector = new DdosDetector({ clock: this.#options.clock, rng: this.#rng.fork(`ddos:${pop}`), packetsPerWindowThreshold: this.#options.ddosPacketsPerSecondMax ?? 50_000, windowMs: 1000 });
      this.#detectors.set(pop, detector);
    }
    return detector.observe(packet) === "drop";
  }

  /** TLS 1.3: a full handshake costs one RTT before the request; a resumed GET rides 0-RTT. */
  #handshake(request: Request, pop: string, rttMs: number, timer: StageTimer): void {
    const host = this.#hostOf(request.url);
    // The SNI is known at ClientHello: start the worker's isolate while the handshake runs.
    this.#worker?.prewarm(pop);
    const zeroRtt = request.headers.get("early-data") === "1" && (request.method === "GET" || request.method === "HEAD");
    const timeline = timeToFirstByte("tcp", rttMs, zeroRtt);
    // What the client waits before its request reaches the PoP: TCP, then the TLS 1.3
    // handshake (1 RTT), or neither for 0-RTT early data on a resumed session.
    timer.model("handshake", timeline.ms, `${timeline.rtts} RTT to first byte: TCP + ${zeroRtt ? "TLS 1.3 0-RTT resumption" : "TLS 1.3 full handshake"} (${host})`);
  }

  /** `new URL(url).hostname`, parsed once per scheme and authority (the only parts it depends on). */
  #hostOf(url: string): string {
    const scheme = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1;
    const end = scheme < 0 ? -1 : url.indexOf("/", scheme);
    if (end < 0) return new URL(url).hostname;
    const origin = url.slice(0, end);
    let host = this.#hosts.get(origin);
    if (host === undefined) {
      host = new URL(url).hostname;
      if (this.#hosts.size >= HOST_MEMO_ENTRIES_MAX) this.#hosts.clear();
      this.#hosts.set(origin, host);
    }
    return host;
  }

  /** The routing stage: the origin leg's path and delay, as `OriginRouter` decides them. */
  #originLeg(pop: string, timer: StageTimer): void {
    const route = this.#routing.route(pop, this.originPop, this.#options.clock.nowMs());
    if (!route.smart) {
      timer.model("origin-route", route.rttMs, `${pop} to origin near ${this.originPop}`);
      return;
    }
    const savedMs = route.bgpRttMs - route.rttMs;
    const how = route.viaBackbone ? `smart routing via ${route.path.join(">")}` : `smart routing: BGP path ${route.path.join(">")} is fastest`;
    timer.model("origin-route", route.rttMs, `${how}, ${savedMs.toFixed(1)} ms saved vs BGP (${route.bgpRttMs.toFixed(1)} ms)`);
  }

}

/**
 * The packet of an established connection from the client to the edge's anycast address, over
 * IPv4 or IPv6 as the client's address says (`::ffff:a.b.c.d` is the IPv4 client a.b.c.d).
 */
function clientPacket(clientIp: string, sizeBytes: number): Packet {
  const common = { protocol: "tcp", dstPort: 443, flags: ESTABLISHED_FLAGS, sizeBytes } as const;
  // A plain dotted quad, the common case, is read without allocating.
  let src = readIpv4(clientIp);
  if (src < 0) {
    const bytes = parseIp(clientIp);
    src = bytes === null ? (UNKNOWN_CLIENT_NET | (hashString(clientIp) & 0xff)) >>> 0 : ipv4Of(bytes);
    if (bytes !== null && src < 0) {
      const port = 40000 + ((((bytes[14] as number) << 8) | (bytes[15] as number)) & 0x3fff);
      return makePacket({ ...common, srcPort: port, ipv6: { src: bytes, dst: EDGE_ADDRESS6 } });
    }
  }
  return makePacket({ ...common, srcIp: src, dstIp: EDGE_ADDRESS, srcPort: 40000 + (src & 0x3fff) });
}

/**
 * The request's fields as forwarded, in a `Headers`' sorted order, given to `add` one by one:
 * the client address in the place a copy with it set would give it (replacing any the client
 * sent), the internal fields dropped, Set-Cookie fields in place unless `skipSetCookie`. Only
 * for a plain address (see PLAIN_ADDRESS); anything else goes through `Headers`, which checks it.
 */
function eachForwardedField(request: Request, clientIp: string, skipSetCookie: boolean, add: (name: string, value: string) => void): void {
  let placed = false;
  request.headers.forEach((value, name) => {
    if (!placed && name >= CLIENT_IP_HEADER) {
      add(CLIENT_IP_HEADER, clientIp);
      placed = true;
    }
    if (name === CLIENT_IP_HEADER || name === REQUEST_ID_HEADER || name === STREAM_ID_HEADER || (skipSetCookie && name === "set-cookie")) return;
    add(name, value);
  });
  if (!placed) add(CLIENT_IP_HEADER, clientIp);
}

/** `cacheRequestFromRequest(withClientIp(request, clientIp))`, with the same header order. */
function cacheRequestWithClientIp(request: Request, clientIp: string): CacheRequest {
  // Anything but a plain address takes the general path, so `Headers` validates it as before.
  if (!PLAIN_ADDRESS.test(clientIp)) return cacheRequestFromRequest(withClientIp(request, clientIp));
  const headers: Record<string, string> = {};
  eachForwardedField(request, clientIp, false, (name, value) => (headers[name] = value));
  return { method: request.method, url: request.url, headers };
}

/**
 * `headerPairs(headersWithClientIp(request, clientIp))`: the fields the worker sees, in the
 * same order (a `Headers`' sorted order, each Set-Cookie separately at the end).
 */
export function forwardedHeaderPairs(request: Request, clientIp: string): HeaderPairs {
  // Anything but a plain address takes the general path, so `Headers` validates it as before.
  if (!PLAIN_ADDRESS.test(clientIp)) return headerPairs(headersWithClientIp(request, clientIp));
  const pairs: HeaderPairs = [];
  eachForwardedField(request, clientIp, true, (name, value) => pairs.push([name, value]));
  for (const cookie of request.headers.getSetCookie()) pairs.push(["set-cookie", cookie]);
  return pairs;
}

/** A copy of the request's fields as forwarded: the client address set, the internal fields removed. */
function headersWithClientIp(request: Request, clientIp: string): Headers {
  const headers = new Headers(request.headers);
  headers.set(CLIENT_IP_HEADER, clientIp);
  for (const name of FORWARDED_INTERNAL) headers.delete(name);
  return headers;
}

function withClientIp(request: Request, clientIp: string): Request {
  const headers = headersWithClientIp(request, clientIp);
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers };
  if (request.body !== null) {
    init.body = request.body;
    init.duplex = "half";
  }
  return new Request(request.url, init);
}

function withHeaders(response: Response, extra: Record<string, string>): Response {
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  for (const name of EDGE_ONLY_HEADERS) headers.delete(name);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// Header names that `decorate` sets or deletes on a response built by the pipeline.
const DECORATED_NAMES = new Set(["cf-ray", "cf-cache-status", "server", "server-timing", ...FORWARDED_INTERNAL]);
const UPPER_CASE = /[A-Z]/;

/**
 * `toResponse(answer)` followed by `decorate(…, ray, …, status, true)` except `server-timing`,
 * built in one go: the fields go into the `Response` constructor once instead of into a
 * `Headers`, a copy of it and then four `set`s. Returns undefined (the caller takes the general
 * path) unless every name is lower case and every value a string, which makes a record with the
 * edge's fields assigned over it equal to `append`s followed by `set`s.
 */
function decoratedAnswer(answer: CacheResponse, status: string, ray: string): Response | undefined {
  const headers: Record<string, string> = {};
  for (const name in answer.headers) {
    if (name === REQUEST_ID_HEADER || name === STREAM_ID_HEADER) continue;
    const value = answer.headers[name];
    if (typeof value !== "string" || name === "__proto__" || UPPER_CASE.test(name)) return undefined;
    headers[name] = value;
  }
  headers["cf-ray"] = ray;
  if (headers["cf-cache-status"] === undefined) headers["cf-cache-status"] = status;
  headers["server"] = "edge-kata";
  const nullBody = answer.status === 204 || answer.status === 304 || answer.status < 200;
  return bufferedResponse(nullBody ? null : answer.body, { status: answer.status, headers });
}

/**
 * `withHeaders(live, { "cf-cache-status": status })` followed by `decorate(…, ray, …, true)`
 * except `server-timing`, in one copy of the origin's fields. Names from a `Headers` iterator
 * are lower case, and each Set-Cookie comes separately, as the copy in `withHeaders` takes them.
 */
function decoratedStream(live: Response, status: string, ray: string): Response {
  const headers: [string, string][] = [];
  live.headers.forEach((value, name) => {
    if (!DECORATED_NAMES.has(name) && !EDGE_ONLY_HEADERS.includes(name)) headers.push([name, value]);
  });
  headers.push(["cf-cache-status", status], ["cf-ray", ray], ["server", "edge-kata"]);
  return new Response(live.body, { status: live.status, statusText: live.statusText, headers });
}

function toResponse(answer: CacheResponse): Response {
  const nullBody = answer.status === 204 || answer.status === 304 || answer.status < 200;
  const headers = new Headers();
  for (const name in answer.headers) if (name !== REQUEST_ID_HEADER && name !== STREAM_ID_HEADER) headers.append(name, answer.headers[name] as string);
  return bufferedResponse(nullBody ? null : answer.body, { status: answer.status, headers });
}

/**
 * Adds the edge's own headers. `owned` says the pipeline built `response` itself (its headers
 * are mutable and nobody else holds it), so they are set in place instead of on a copy.
 */
function decorate(response: Response, ray: string, timer: StageTimer, cacheStatus: string | undefined, owned: boolean): Response {
  const headers = owned ? response.headers : new Headers(response.headers);
  headers.set("cf-ray", ray);
  if (cacheStatus !== undefined && !headers.has("cf-cache-status")) headers.set("cf-cache-status", cacheStatus);
  headers.set("server", "edge-kata");
  headers.set("server-timing", timer.header());
  for (const name of FORWARDED_INTERNAL) headers.delete(name);
  if (owned) return response;
  return rewrapResponse(response, { status: response.status, statusText: response.statusText, headers });
}
