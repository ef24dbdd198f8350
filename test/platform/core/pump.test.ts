// The one body pump: backpressure, and a peer that leaves mid-stream releases the body.
import { createServer, request } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { pumpBody } from "../../../src/core/pump.js";

/** An endless body of 64 KiB chunks that records whether it was cancelled. */
function endless(): { body: ReadableStream<Uint8Array>; state: { cancelled: boolean; pulled: number } } {
  const state = { cancelled: false, pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled++;
      controller.enqueue(new Uint8Array(64 * 1024));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

describe("pumpBody", () => {
  it("copies every chunk in order and ends the sink", async () => {
    const sink = new PassThrough();
    const got: Buffer[] = [];
    sink.on("data", (c: Buffer) => got.push(c));
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    const ended = new Promise((resolve) => sink.on("end", resolve));
    expect(await pumpBody(body, sink)).toBe("done");
    await ended;
    expect([...Buffer.concat(got)]).toEqual([1, 2, 3]);
  });

  it("waits for drain instead of buffering an endless body in memory", async () => {
    const sink = new PassThrough({ highWaterMark: 16 * 1024 });
    const { body, state } = endless();
    void pumpBody(body, sink);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nobody reads the sink: the pump stops after the buffer refuses, a few chunks in.
    expect(state.pulled).toBeLessThan(8);
    sink.destroy();
  });

  it("a client that disconnects while the response is backed up ends the pump and cancels the body", async () => {
    const { body, state } = endless();
    let pumped: Promise<string> | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200);
      pumped = pumpBody(body, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/" }, (res) => {
        // Read nothing (the socket backs up), then leave.
        setTimeout(() => {
          res.destroy();
          req.destroy();
          resolve();
        }, 100);
      });
      req.end();
    });
    for (let i = 0; i < 200 && !state.cancelled; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await pumped).toBe("closed");
    expect(state.cancelled).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
