/**
 * HTTP messages as they cross the isolate boundary: plain data with the body as one copied
 * ArrayBuffer. Anything that comes back from the isolate is untrusted and validated here.
 */

export type HeaderPairs = Array<[string, string]>;

export interface WireRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: ArrayBuffer | null;
  cf?: Record<string, string>;
}

export interface WireResponse {
  status: number;
  statusText: string;
  headers: HeaderPairs;
  body: ArrayBuffer | null;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function headerPairs(headers: Headers): HeaderPairs {
  const pairs: HeaderPairs = [];
  headers.forEach((value, name) => {
    if (name !== "set-cookie") pairs.push([name, value]);
  });
  for (const cookie of headers.getSetCookie()) pairs.push(["set-cookie", cookie]);
  return pairs;
}

export async function requestToWire(request: Request, cf?: Record<string, string>): Promise<WireRequest> {
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  const wire: WireRequest = {
    method: request.method,
    url: request.url,
    headers: headerPairs(request.headers),
    body: hasBody ? await request.arrayBuffer() : null,
  };
  if (cf !== undefined) wire.cf = cf;
  return wire;
}

export function requestFromWire(wire: unknown): Request {
  const w = wire as Partial<WireRequest> | null;
  if (w === null || typeof w !== "object" || typeof w.url !== "string" || typeof w.method !== "string") {
    throw new TypeError("malformed request from the isolate");
  }
  const body = w.body instanceof ArrayBuffer ? w.body : null;
  return new Request(w.url, { method: w.method, headers: checkPairs(w.headers), body });
}

export async function responseToWire(response: Response): Promise<WireResponse> {
  const body = response.body === null ? null : await response.arrayBuffer();
  return { status: response.status, statusText: response.statusText, headers: headerPairs(response.headers), body };
}

export function responseFromWire(wire: unknown): Response {
  const w = wire as Partial<WireResponse> | null;
  if (w === null || typeof w !== "object" || typeof w.status !== "number" || !Number.isInteger(w.status) || w.status < 200 || w.status > 599) {
    throw new TypeError("malformed response from the isolate");
  }
  const headers = new Headers();
  for (const [name, value] of checkPairs(w.headers)) headers.append(name, value);
  const body = NULL_BODY_STATUSES.has(w.status) || !(w.body instanceof ArrayBuffer) ? null : w.body;
  return new Response(body, { status: w.status, statusText: typeof w.statusText === "string" ? w.statusText : "", headers });
}

function checkPairs(pairs: unknown): HeaderPairs {
  if (!Array.isArray(pairs)) throw new TypeError("headers must be a list of pairs");
  return pairs.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new TypeError("each header must be a [name, value] pair of strings");
    }
    return [pair[0], pair[1]];
  });
}
