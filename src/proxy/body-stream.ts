import type { IncomingMessage, ClientRequest } from "node:http";
import { pumpBody } from "../core/pump.js";

// How much of the origin's body may wait in the edge before the origin socket is paused. Small
// enough that a 1 GB download never sits in memory; large enough to keep the socket busy.
export const RESPONSE_BUFFER_BYTES_MAX = 256 * 1024;

/**
 * The origin's response body as a WHATWG stream, with backpressure: the socket is paused when
 * the reader falls behind, and resumed when it pulls. A connection that closes before the body
 * is complete (Content-Length not reached, chunked terminator missing) errors the stream, so a
 * truncated body can never be mistaken for a whole one.
 */
export function responseBodyStream(res: IncomingMessage, origin: string): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller): void {
        const fail = (why: string): void => {
          if (done) return;
          done = true;
          controller.error(new Error(`origin ${origin} closed the connection mid-body: ${why}`));
        };
        res.on("data", (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) res.pause();
        });
        res.on("end", () => {
          if (done) return;
          done = true;
          controller.close();
        });
        res.on("error", (error) => fail(error.message));
        res.on("close", () => {
          if (!res.complete) fail("response incomplete");
        });
      },
      pull(): void {
        res.resume();
      },
      cancel(): void {
        done = true;
        res.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: RESPONSE_BUFFER_BYTES_MAX }),
  );
}

/**
 * Streams the client's body to the origin chunk by chunk, waiting for `drain` when the origin
 * reads slower than the client sends, so a large upload is never held whole in memory. A
 * failure destroys the outgoing request, which the caller sees as the request's error.
 */
export async function pumpRequestBody(body: ReadableStream<Uint8Array> | null, req: ClientRequest): Promise<void> {
  if (body === null) {
    req.end();
    return;
  }
  try {
    // The origin side may be gone (timeout, reset): the pump then stops reading the upload.
    await pumpBody(body, req);
  } catch (error) {
    req.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
