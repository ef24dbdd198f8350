import { CACHEABLE_OBJECT_BYTES_MAX, notStorableReason, type CacheRequest, type CacheResponse, type Upstream } from "../cache/index.js";
import { copyFields } from "../cache/http-message.js";
import { assert } from "../core/errors.js";

/** Who asked: the origin side adds X-Forwarded-For, picks the route from this PoP, etc. */
export interface OriginContext {
  readonly clientIp: string;
  readonly pop: string;
}

/** The origin as the pipeline sees it: an in-process site, or a real server behind the proxy. */
export type OriginHandler = (request: Request, ctx: OriginContext) => Promise<Response>;

// Private headers that carry a request's identity through the cache tiers to the origin and a
// streamed body back past them. Both are removed before anything leaves the edge.
export const REQUEST_ID_HEADER = "x-edge-kata-request";
export const STREAM_ID_HEADER = "x-edge-kata-stream";

const BODYLESS = new Set(["GET", "HEAD"]);
const UPPER_CASE = /[A-Z]/;

/**
 * The cache request's fields without the request id, as a record the `Request` constructor
 * takes directly. With lower-case names (the cache's convention) and string values, a record
 * gives the same fields as `set`ting each name on a `Headers`; anything else returns undefined
 * and goes through `Headers.set` as before.
 */
function forwardedFields(fields: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    if (name === REQUEST_ID_HEADER) continue;
    const value = fields[name];
    if (typeof value !== "string" || name === "__proto__" || UPPER_CASE.test(name)) return undefined;
    out[name] = value;
  }
  return out;
}

interface Pending {
  request: Request;
  ctx: OriginContext;
}

/**
 * The cache tiers work on buffered records, which suits what they store. What they cannot
 * store must not be buffered: a POST body, a `no-store` video, a 2 GB download. This bridge is
 * the cache's upstream: it sends the original request (body included, streamed) to the origin,
 * and when the response is not storable it parks the live `Response` and hands the cache a
 * body-less stand-in marked `no-store`, which the pipeline swaps back on the way out.
 *
 * The cache may answer without the stand-in: a stale copy when the origin failed
 * (stale-if-error), or the stale copy at once while it revalidates in the background
 * (stale-while-revalidate). A parked body nobody claims is cancelled when its request is
 * released, and one that arrives after that is cancelled at once, so every origin body the
 * bridge opens is either handed on or cancelled: none is held, with its socket, forever.
 */
export class OriginBridge {
  readonly #origin: OriginHandler;
  readonly #pending = new Map<string, Pending>();
  readonly #streams = new Map<string, Response>();
  /** The parked streams of each registered request, to cancel those left unclaimed. */
  readonly #parkedBy = new Map<string, string[]>();
  #next = 0;
  #nextStream = 0;

  constructor(origin: OriginHandler) {
    this.#origin = origin;
  }

  /** Registers a client request; the returned id goes into the cache request's headers. */
  register(request: Request, ctx: OriginContext): string {
    const id = String(++this.#next);
    this.#pending.set(id, { request, ctx });
    return id;
  }

  /** Ends a request's registration and cancels any body parked for it that was not claimed. */
  release(id: string): void {
    this.#pending.delete(id);
    const parked = this.#parkedBy.get(id);
    if (parked === undefined) return;
    this.#parkedBy.delete(id);
    for (const streamId of parked) {
      const response = this.#streams.get(streamId);
      if (response === undefined) continue;
      this.#streams.delete(streamId);
      cancelBody(response);
    }
  }

  /** Origin bodies parked and not yet claimed or released (0 when the edge is idle). */
  get parkedStreams(): number {
    return this.#streams.size;
  }

  /** The parked live response for a stand-in the cache returned, if any (claimable once). */
  claimStream(id: string | undefined): Response | undefined {
    if (id === undefined) return undefined;
    const response = this.#streams.get(id);
    this.#streams.delete(id);
    return response;
  }

  readonly upstream: Upstream = async (creq) => {
    const id = creq.headers[REQUEST_ID_HEADER] ?? "";
    const pending = this.#pending.get(id);
    assert(pending !== undefined, `the edge registers request ${id} before the cache can call the origin for it`);
    const response = await this.#origin(this.#outgoing(creq, pending.request), pending.ctx);
    return this.#toCacheResponse(creq, response, id);
  };

  /** The request the origin sees: the cache's method/URL/headers, the client's body. */
  #outgoing(creq: CacheRequest, original: Request): Request {
    const headers = forwardedFields(creq.headers) ?? new Headers();
    if (headers instanceof Headers) for (const [name, value] of Object.entries(creq.headers)) if (name !== REQUEST_ID_HEADER) headers.set(name, value);
    if (BODYLESS.has(creq.method.toUpperCase()) || original.body === null) return new Request(creq.url, { method: creq.method, headers });
    const init: RequestInit & { duplex: "half" } = { method: creq.method, headers, body: original.body, duplex: "half" };
    return new Request(creq.url, init);
  }

  async #toCacheResponse(creq: CacheRequest, response: Response, id: string): Promise<CacheResponse> {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const length = Number(headers["content-length"] ?? Number.NaN);
    const stream =
      !BODYLESS.has(creq.method.toUpperCase()) ||
      notStorableReason(creq, { status: response.status, headers, body: "" }) !== null ||
      length > CACHEABLE_OBJECT_BYTES_MAX;
    if (!stream || response.body === null) {
      return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
    }
    const standIn = copyFields(headers);
    standIn["cache-control"] = "no-store";
    if (!this.#pending.has(id)) {
      // The request was answered already (a background revalidation outlived it): nobody
      // can claim this body, so it is not parked.
      cancelBody(response);
      return { status: response.status, headers: standIn, body: "" };
    }
    const streamId = `${id}.${++this.#nextStream}`;
    this.#streams.set(streamId, response);
    const parked = this.#parkedBy.get(id);
    if (parked === undefined) this.#parkedBy.set(id, [streamId]);
    else parked.push(streamId);
    standIn[STREAM_ID_HEADER] = streamId;
    return { status: response.status, headers: standIn, body: "" };
  }
}

/** Cancels a response body nobody will read, releasing what feeds it (an origin socket). */
function cancelBody(response: Response): void {
  if (response.body === null || response.bodyUsed) return;
  response.body.cancel().catch(() => {
    // A body that errors while being cancelled is gone either way.
  });
}
