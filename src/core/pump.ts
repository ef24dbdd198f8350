import type { Writable } from "node:stream";

/**
 * Copies a web stream into a Node writable (a response to a client, a request to an origin),
 * honouring backpressure: after a `write` the buffer refuses, the next chunk waits for
 * `drain`, or for `close` when the other side went away — a peer that disconnects mid-stream
 * must not leave the pump, and the body feeding it, waiting for a drain that never comes. When
 * the sink is gone the body is cancelled (its source, e.g. an origin socket, is released) and
 * "closed" is returned; otherwise the sink is ended and "done" returned. A read error rejects.
 */
export async function pumpBody(body: ReadableStream<Uint8Array>, sink: Writable): Promise<"done" | "closed"> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (sink.destroyed) {
        await reader.cancel().catch(() => undefined);
        return "closed";
      }
      if (!sink.write(value)) await drainedOrClosed(sink);
    }
    sink.end();
    return "done";
  } finally {
    reader.releaseLock();
  }
}

function drainedOrClosed(sink: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const settle = (): void => {
      sink.off("drain", settle);
      sink.off("close", settle);
      resolve();
    };
    sink.on("drain", settle);
    sink.on("close", settle);
  });
}
