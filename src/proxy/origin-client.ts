import { Agent, request as httpRequest, type IncomingMessage } from "node:http";
import type { EdgeError } from "../core/errors.js";
import { pumpRequestBody, responseBodyStream } from "./body-stream.js";
import { appendVia, withoutHopByHop } from "./hop-by-hop.js";
import { parseOriginUrl } from "./loopback.js";
import { originErrorResponse, originTimeout, originUnreachable } from "./origin-error.js";

// edge-kata's choices for an app on the same machine, which answers in milliseconds when it is
// healthy. Cloudflare reports the same two failures as its own codes 522 (connection timed
// out) and 524 (no response in time); proxy mode uses the standard 502 / 504 so that any
// HTTP client and the cache's stale-if-error (RFC 5861 §4) understand them.
export const ORIGIN_TIMEOUT_MS_DEFAULT = 30_000; // total time to response headers
export const ORIGIN_CONNECT_TIMEOUT_MS_DEFAULT = 5_000;
export const VIA_PSEUDONYM_DEFAULT = "edge-kata";
// Statuses whose response never has a body (RFC 9110 §6.4.1), so no stream is attached.
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export interface ProxyOriginOptions {
  /** The local app, e.g. `http://127.0.0.1:3000`. A path prefix is kept in front of each request path. */
  readonly originUrl: string;
  /** Total time from sending to the origin's response headers, else 504. @defaultValue 30_000 */
  readonly timeoutMs?: number;
  /** Time to open the TCP connection, else 502. @defaultValue 5_000 */
  readonly connectTimeoutMs?: number;
  /** Send the client's Host to the origin (as Cloudflare does), else the origin's own host. @defaultValue true */
  readonly preserveHost?: boolean;
  /** The name this proxy appends to Via (RFC 9110 §7.6.3). @defaultValue "edge-kata" */
  readonly viaPseudonym?: string;
  /** Allow an origin that is not on this machine (see loopback.ts for why it is off). @defaultValue false */
  readonly allowNonLoopback?: boolean;
}

export interface ProxyContext {
  readonly clientIp: string;
  readonly pop: string;
}

/** Sends one request to the origin; failures come back as 502/504 Responses, never throws. */
export type ProxyOrigin = (request: Request, ctx: ProxyContext) => Promise<Response>;

/**
 * The origin side of proxy mode: forwards a WHATWG Request to a real HTTP origin over node:http
 * (not global fetch, which would add its own headers and decode bodies) and streams the answer
 * back. `close()` drops the keep-alive connections.
 */
export function createProxyOrigin(options: ProxyOriginOptions): ProxyOrigin & { close(): void } {
  const origin = parseOriginUrl(options.originUrl, options.allowNonLoopback ?? false);
  const settings: Settings = {
    origin,
    timeoutMs: options.timeoutMs ?? ORIGIN_TIMEOUT_MS_DEFAULT,
    connectTimeoutMs: options.connectTimeoutMs ?? ORIGIN_CONNECT_TIMEOUT_MS_DEFAULT,
    preserveHost: options.preserveHost ?? true,
    via: options.viaPseudonym ?? VIA_PSEUDONYM_DEFAULT,
    agent: new Agent({ keepAlive: true }),
  };
  const proxy = (request: Request, ctx: ProxyContext): Promise<Response> => forward(settings, request, ctx);
  return Object.assign(proxy, { close: (): void => settings.agent.destroy() });
}

interface Settings {
  readonly origin: URL;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly preserveHost: boolean;
  readonly via: string;
  readonly agent: Agent;
}

/** RFC 9110 §7.6: the request as the origin should see it. */
export function originRequestHeaders(
  request: Request,
  ctx: ProxyContext,
  { origin, preserveHost, via }: { origin: URL; preserveHost: boolean; via: string },
): Headers {
  const incoming = new URL(request.url);
  const headers = withoutHopByHop(request.headers);
  headers.set("host", preserveHost ? (request.headers.get("host") ?? incoming.host) : origin.host);
  appendVia(headers, via);
  const forwardedFor = headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", forwardedFor ? `${forwardedFor}, ${ctx.clientIp}` : ctx.clientIp);
  headers.set("x-forwarded-proto", incoming.protocol.replace(/:$/, ""));
  // Set, never appended: a client must not be able to choose the IP the origin trusts.
  headers.set("cf-connecting-ip", ctx.clientIp);
  // The edge's own HTTP server already answered `Expect: 100-continue` to the client.
  headers.delete("expect");
  return headers;
}

function targetPath(origin: URL, request: Request): string {
  const incoming = new URL(request.url);
  const prefix = origin.pathname.replace(/\/$/, "");
  return `${prefix}${incoming.pathname}${incoming.search}`;
}

function forward(s: Settings, request: Request, ctx: ProxyContext): Promise<Response> {
  const originName = s.origin.origin;
  return new Promise<Response>((resolve) => {
    const headers: Record<string, string | string[]> = {};
    originRequestHeaders(request, ctx, s).forEach((value, name) => {
      if (name !== "set-cookie") headers[name] = value;
    });
    const req = httpRequest({
      agent: s.agent,
      hostname: s.origin.hostname.replace(/^\[|\]$/g, ""),
      port: s.origin.port || 80,
      method: request.method,
      path: targetPath(s.origin, request),
      headers,
    });
    let settled = false;
    const settle = (response: Response): void => {
      if (settled) return;
      settled = true;
      clearTimeout(headerTimer);
      resolve(response);
    };
    const fail = (error: EdgeError): void => {
      settle(originErrorResponse(error));
      req.destroy();
    };
    // Real sockets run on wall time, so these two deadlines are real timers (there is no
    // virtual clock on the other side of a TCP connection).
    const headerTimer = setTimeout(() => fail(originTimeout(originName, s.timeoutMs)), s.timeoutMs);
    req.on("socket", (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(() => fail(originUnreachable(originName, `connect timed out after ${s.connectTimeoutMs} ms`)), s.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(connectTimer));
      socket.once("close", () => clearTimeout(connectTimer));
    });
    req.on("error", (error: NodeJS.ErrnoException) => fail(originUnreachable(originName, error.code ?? error.message)));
    req.on("response", (res) => {
      try {
        settle(toResponse(res, request.method, s));
      } catch (error) {
        // Header bytes Node accepted but the WHATWG Headers class refuses: the origin is broken.
        res.destroy();
        fail(originUnreachable(originName, `unusable response: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
    void pumpRequestBody(request.body, req);
  });
}

function toResponse(res: IncomingMessage, method: string, s: Settings): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) {
    res.destroy();
    return originErrorResponse(originUnreachable(s.origin.origin, `invalid status ${status}`));
  }
  const raw = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) raw.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const headers = withoutHopByHop(raw);
  appendVia(headers, s.via);
  const hasBody = method !== "HEAD" && !NULL_BODY_STATUSES.has(status);
  if (!hasBody) res.resume();
  const body = hasBody ? responseBodyStream(res, s.origin.origin) : null;
  return new Response(body, { status, statusText: res.statusMessage ?? "", headers });
}
