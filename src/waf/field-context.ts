import { splitRawUrl, type RawUrlParts, type WafRequest } from "./request.js";
import { parseIp, type IpBytes } from "./ip-address.js";
import { RequestCollections, type CollectionName } from "./collections.js";
import type { MapField } from "./expression-ast.js";

const MAP_COLLECTION: Readonly<Record<MapField, CollectionName>> = {
  "http.request.headers": "REQUEST_HEADERS",
  "http.request.body.form": "ARGS_POST",
  "http.request.uri.args": "ARGS_GET",
  "http.request.cookies": "REQUEST_COOKIES",
};

/** Per-request values the engine computes outside the request itself. */
export interface WafSignals {
  /** 1 (automated) … 99 (human), see `botScore`. */
  readonly botScore: number;
  /** 0 (clean) … 100 (known bad), from IP reputation. */
  readonly threatScore: number;
}

/** Field values of one request, computed once and on first use. */
export class FieldContext {
  readonly request: WafRequest;
  readonly signals: WafSignals;
  // Split and allocated on first use: with no custom or rate-limit rule, no field is read.
  #url: RawUrlParts | undefined;
  #cache: Map<string, string | number | boolean> | undefined;
  #ip: IpBytes | null | undefined;
  #collections: RequestCollections | undefined;

  constructor(request: WafRequest, signals: WafSignals) {
    this.request = request;
    this.signals = signals;
  }

  header(name: string): string {
    return this.request.headers[name] ?? "";
  }

  /** The request's parts as the managed rules name them, parsed on first use. */
  get collections(): RequestCollections {
    return (this.#collections ??= new RequestCollections(this.request));
  }

  /**
   * The `index`-th value of `key` in a map field, or "" when there is none. `http.request.body.form`
   * holds urlencoded and multipart fields only, as on Cloudflare (JSON leaves are not form fields).
   */
  entry(map: MapField, key: string, index: number): string {
    const c = this.collections;
    if (map === "http.request.body.form" && c.body.processor !== "URLENCODED" && c.body.processor !== "MULTIPART") return "";
    let seen = 0;
    for (const e of c.get(MAP_COLLECTION[map])) if (e.name === key && seen++ === index) return e.value;
    return "";
  }

  ip(): IpBytes | null {
    if (this.#ip === undefined) this.#ip = parseIp(this.request.clientIp);
    return this.#ip;
  }

  field(name: string): string | number | boolean {
    const cache = (this.#cache ??= new Map());
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const value = this.#compute(name);
    cache.set(name, value);
    return value;
  }

  #compute(name: string): string | number | boolean {
    const url = (this.#url ??= splitRawUrl(this.request.url));
    switch (name) {
      case "http.request.uri":
        return url.query ? `${url.path}?${url.query}` : url.path;
      case "http.request.uri.path":
        return url.path;
      // Cloudflare's field has no leading "?"; paths are raw, as the client sent them.
      case "http.request.uri.query":
        return url.query;
      case "http.request.full_uri":
        return this.request.url;
      case "http.request.method":
        return this.request.method;
      case "http.user_agent":
        return this.header("user-agent");
      case "http.host":
        return url.host || this.header("host");
      case "http.cookie":
        return this.header("cookie");
      case "http.referer":
        return this.header("referer");
      case "http.request.body.raw":
        return this.request.body ?? "";
      case "http.request.body.truncated":
        return this.request.bodyTruncated === true;
      case "http.request.body.size": {
        // The declared length when there is one: the inspected text may be only the front.
        const declared = Number(this.header("content-length"));
        return Number.isFinite(declared) && this.header("content-length") !== "" ? declared : Buffer.byteLength(this.request.body ?? "");
      }
      case "http.request.body.mime":
        return (this.header("content-type").split(";")[0] ?? "").trim().toLowerCase();
      case "cf.bot_score":
        return this.signals.botScore;
      case "cf.threat_score":
        return this.signals.threatScore;
      default:
        return "";
    }
  }
}
