/**
 * Request bodies for inspection: the WAF reads at most a fixed number of bytes from the front
 * of a body, then hands on a stream that replays those bytes and continues with the rest, so
 * the worker or origin receives the body unchanged and a large upload is never held whole.
 * Cloudflare does the same and tells rules so with `http.request.body.truncated`.
 */

/**
 * Bytes of a request body the WAF reads. 128 KiB is ModSecurity's `SecRequestBodyNoFilesLimit`
 * default and the body size Cloudflare's WAF inspects on its larger plans; it is edge-kata's
 * choice, configurable per WAF (`bodyInspectBytes`).
 */
export const BODY_INSPECT_BYTES_DEFAULT = 128 * 1024;

export interface PeekedBody {
  /** The first bytes of the body, at most the limit. */
  readonly bytes: Uint8Array;
  /** True when the body continues past `bytes`. */
  readonly truncated: boolean;
  /** The whole body again: `bytes`, then whatever the source still has, unchanged. */
  readonly stream: ReadableStream<Uint8Array>;
}

/**
 * Reads up to `limit` bytes from `source` and returns them with a replacement stream. Holds at
 * most `limit` plus one chunk in memory; a source that fails while being read gives the bytes
 * read so far, and the replacement stream fails with the same error after replaying them.
 */
// ANCHOR: peek
export async function peekBody(source: ReadableStream<Uint8Array>, limit: number): Promise<PeekedBody> {
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  try {
    while (size < limit) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } catch (error) {
    failure = { error };
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.byteLength, bytes.byteLength - at);
    bytes.set(chunk.subarray(0, take), at);
    at += take;
    if (at === bytes.byteLength) break;
  }
  // A chunk that crossed the limit leaves bytes past it: the body is truncated even if the
  // source has nothing more. Exactly `limit` bytes and no more data is not truncated.
  let truncated = size > limit || failure !== undefined;
  if (!done && failure === undefined && size === limit) {
    try {
      const next = await reader.read();
      if (next.done) done = true;
      else {
        chunks.push(next.value);
        truncated = true;
      }
    } catch (error) {
      failure = { error };
      truncated = true;
    }
  }
  const replay = chunks.slice();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = replay.shift();
      if (chunk !== undefined) {
        controller.enqueue(chunk);
        return;
      }
      if (failure) {
        controller.error(failure.error);
        return;
      }
      if (done) {
        controller.close();
        return;
      }
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { bytes, truncated, stream };
}
// ANCHOR_END: peek

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Body bytes as the rules see them: UTF-8, with U+FFFD for bytes that are not. */
export function bodyText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
