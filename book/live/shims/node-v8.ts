/**
 * `node:v8`'s serializer in the book's browser bundle, where Durable Object storage needs it.
 * The browser has structured cloning but no byte form of it, so here a value is checked with
 * `structuredClone` (which refuses functions and symbols, as V8's serializer does) and stored
 * as JSON text: enough for the plain records the live figures' objects keep. A value JSON
 * cannot carry (a Map, a Date, a cycle) is refused loudly rather than stored changed.
 */
import { Buffer } from "buffer";

function plain(value: unknown): boolean {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(plain);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).every(plain);
  return false;
}

export function serialize(value: unknown): Buffer {
  structuredClone(value);
  if (!plain(value)) throw new Error("the book's browser bundle stores plain JSON records only");
  return Buffer.from(JSON.stringify(value), "utf8");
}

export function deserialize(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}
