import { EdgeError } from "../core/errors.js";
import type { KvValue, KvValueType } from "../core/bindings.js";
import { KV_VALUE_SIZE_BYTES_MAX, validateValueSize } from "./limits.js";
import { utf8Encode } from "./utf8-order.js";
import { concatBytes } from "../core/bytes.js";

const VALUE_TYPES: ReadonlySet<string> = new Set(["text", "json", "arrayBuffer", "stream"]);
const decoder = new TextDecoder();

/** Copies a put value into bytes, checking the size before anything is kept. */
export async function valueToBytes(value: KvValue): Promise<Uint8Array> {
  if (typeof value === "string") {
    const bytes = utf8Encode(value);
    validateValueSize(bytes.byteLength);
    return bytes;
  }
  if (value instanceof ArrayBuffer) {
    validateValueSize(value.byteLength);
    return new Uint8Array(value.slice(0));
  }
  if (ArrayBuffer.isView(value)) {
    validateValueSize(value.byteLength);
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  }
  if (value instanceof ReadableStream) return readStream(value);
  throw new EdgeError("KV_VALUE_INVALID", 400, `put value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream, got ${describe(value)}`);
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      await reader.cancel();
      throw new EdgeError("KV_VALUE_INVALID", 400, `stream chunks must be Uint8Array, got ${describe(value)}`);
    }
    total += value.byteLength;
    if (total > KV_VALUE_SIZE_BYTES_MAX) {
      // Stop reading at once: a 25 MiB limit is pointless if the whole stream is buffered first.
      await reader.cancel();
      validateValueSize(total);
    }
    chunks.push(value.slice());
  }
  return concatBytes(chunks, total);
}

export function resolveValueType(type: unknown): KvValueType {
  if (type === undefined) return "text";
  if (typeof type === "string" && VALUE_TYPES.has(type)) return type as KvValueType;
  throw new EdgeError("KV_TYPE_INVALID", 400, `get type must be one of text, json, arrayBuffer, stream; got ${describe(type)}`);
}

/** Decodes stored bytes as a fresh value, so callers can never mutate what is stored. */
export function bytesToValue(bytes: Uint8Array, type: KvValueType): unknown {
  switch (type) {
    case "text":
      return decoder.decode(bytes);
    case "json": {
      const text = decoder.decode(bytes);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new EdgeError("KV_VALUE_NOT_JSON", 400, `value (${bytes.byteLength} bytes) is not valid JSON`);
      }
    }
    case "arrayBuffer":
      return bytes.slice().buffer;
    case "stream": {
      const copy = bytes.slice();
      return new ReadableStream<Uint8Array>({
        start(controller): void {
          controller.enqueue(copy);
          controller.close();
        },
      });
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
