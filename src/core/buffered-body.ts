/**
 * Responses the platform built itself around a body already complete in memory (a worker's
 * answer copied out of its isolate, a cached entry), remembered with that body. The HTTP server
 * then writes those bytes to the socket in one call instead of reading them back out of the
 * `Response`'s stream chunk by chunk (a reader, a promise per chunk, a cork across a tick).
 *
 * Only a response whose body nobody has touched may be written from here: `bufferedBodyOf`
 * answers undefined once the stream is disturbed, and never for a response it was not told about.
 */
const BODIES = new WeakMap<Response, string | Uint8Array>();
/** Built here, handed to one owner, its headers mutable: that owner may change its head in place. */
const FRESH = new WeakSet<Response>();

/** `new Response(body, init)`, remembering `body` (null: nothing to remember). */
export function bufferedResponse(body: string | Uint8Array | ArrayBuffer | null, init: ResponseInit): Response {
  const response = new Response(body as BodyInit | null, init);
  FRESH.add(response);
  if (body !== null && response.body !== null) BODIES.set(response, body instanceof ArrayBuffer ? new Uint8Array(body) : body);
  return response;
}

/**
 * True for a response `bufferedResponse` built: a new object whose headers are mutable (not a
 * `fetch()` answer, whose headers are immutable), so whoever received it can add fields to it
 * in place instead of copying it.
 */
export function isFreshResponse(response: Response): boolean {
  return FRESH.has(response);
}

/**
 * `new Response(source.body, init)`, the usual way to change a response's head: the new one
 * carries the same stream, so it is remembered with the same bytes while that stream is untouched.
 */
export function rewrapResponse(source: Response, init: ResponseInit): Response {
  const known = bufferedBodyOf(source);
  const response = new Response(source.body, init);
  if (known !== undefined && response.body !== null) BODIES.set(response, known);
  return response;
}

/** The complete body of a response built by `bufferedResponse`, if its stream is still untouched. */
export function bufferedBodyOf(response: Response): string | Uint8Array | undefined {
  const body = BODIES.get(response);
  if (body === undefined || response.bodyUsed || response.body === null || response.body.locked) return undefined;
  return body;
}
