import { createDeflate, createDeflateRaw, createGunzip, createGzip, createInflate, createInflateRaw, type Zlib } from "node:zlib";
import type { Transform } from "node:stream";
import { ZLIB_OUTPUT_BYTES_PER_CALL_MAX, ZLIB_STREAMS_PER_ISOLATE_MAX } from "./limits.js";

/**
 * The host half of CompressionStream and DecompressionStream (runtime/lazy/web-streams.js): one
 * Node zlib stream per handle, per isolate, fed one chunk per host call. Handles come from the
 * isolate and are checked like body stream handles. The output of one call is bounded, so a
 * decompression bomb fails its stream with a TypeError in the isolate instead of filling the
 * host's memory.
 */
type Engine = Transform & Zlib;

const MAKERS: Record<string, () => Engine> = {
  "compress:gzip": createGzip,
  "compress:deflate": createDeflate,
  "compress:deflate-raw": createDeflateRaw,
  "decompress:gzip": createGunzip,
  "decompress:deflate": createInflate,
  "decompress:deflate-raw": createInflateRaw,
};

interface Entry {
  engine: Engine;
  decompress: boolean;
  /** Output not yet handed over, and its size. */
  out: Buffer[];
  outBytes: number;
  error: Error | null;
  ended: boolean;
}

export class ZlibStreams {
  readonly #entries = new Map<number, Entry>();
  #next = 1;

  get size(): number {
    return this.#entries.size;
  }

  open(mode: unknown, format: unknown): number {
    const key = `${String(mode)}:${String(format)}`;
    if (!Object.hasOwn(MAKERS, key)) throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
    if (this.#entries.size >= ZLIB_STREAMS_PER_ISOLATE_MAX) throw new RangeError(`${this.#entries.size} compression streams are open in this isolate; the limit is ${ZLIB_STREAMS_PER_ISOLATE_MAX}`);
    const engine = MAKERS[key]!();
    const entry: Entry = { engine, decompress: mode === "decompress", out: [], outBytes: 0, error: null, ended: false };
    // Flowing mode: zlib pushes a chunk's output before it calls that chunk's write callback.
    engine.on("data", (chunk: Buffer) => {
      entry.out.push(chunk);
      entry.outBytes += chunk.byteLength;
      if (entry.outBytes > ZLIB_OUTPUT_BYTES_PER_CALL_MAX && entry.error === null) {
        entry.error = new TypeError(`a compression stream chunk expanded past ${ZLIB_OUTPUT_BYTES_PER_CALL_MAX} bytes; feed it smaller chunks`);
        engine.destroy();
      }
    });
    engine.on("error", (e: Error) => {
      entry.error ??= e;
    });
    engine.on("end", () => {
      entry.ended = true;
    });
    const handle = this.#next++;
    this.#entries.set(handle, entry);
    return handle;
  }

  /** Feeds one chunk; resolves with the output it produced (possibly none). */
  async push(handle: unknown, data: unknown): Promise<ArrayBuffer> {
    if (!(data instanceof ArrayBuffer)) throw new TypeError("a compression stream chunk must be bytes");
    const entry = this.#entry(handle);
    if (entry.error === null) {
      await new Promise<void>((resolve) => {
        // A stream that fails (corrupt input) may never call the write callback.
        const done = (): void => {
          entry.engine.off("error", done);
          entry.engine.off("close", done);
          resolve();
        };
        entry.engine.once("error", done);
        entry.engine.once("close", done);
        entry.engine.write(Buffer.from(data), done);
      });
    }
    return this.#take(handle as number, entry, false);
  }

  /** Ends the input; resolves with the rest of the output, and the stream is released. */
  async finish(handle: unknown): Promise<ArrayBuffer> {
    const entry = this.#entry(handle);
    await new Promise<void>((resolve) => {
      if (entry.ended || entry.error !== null) return resolve();
      entry.engine.once("end", resolve);
      entry.engine.once("error", () => resolve());
      entry.engine.once("close", () => resolve());
      entry.engine.end();
    });
    return this.#take(handle as number, entry, true);
  }

  release(handle: unknown): void {
    const entry = typeof handle === "number" ? this.#entries.get(handle) : undefined;
    if (entry === undefined) return;
    this.#entries.delete(handle as number);
    entry.engine.destroy();
  }

  releaseAll(): void {
    for (const handle of [...this.#entries.keys()]) this.release(handle);
  }

  #entry(handle: unknown): Entry {
    const entry = typeof handle === "number" ? this.#entries.get(handle) : undefined;
    if (entry === undefined) throw new TypeError("this compression stream is closed or was never opened in this isolate");
    return entry;
  }

  #take(handle: number, entry: Entry, last: boolean): ArrayBuffer {
    if (entry.error !== null) {
      this.release(handle);
      if (entry.error instanceof TypeError) throw entry.error;
      throw new TypeError(entry.decompress ? "Decompression failed." : "Compression failed.");
    }
    const out = Buffer.concat(entry.out, entry.outBytes);
    entry.out = [];
    entry.outBytes = 0;
    if (last) this.release(handle);
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  }
}

