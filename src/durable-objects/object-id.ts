import { createHash } from "node:crypto";
import { EdgeError } from "../core/errors.js";
import type { DurableObjectIdApi } from "../core/bindings.js";
import type { Rng } from "../sim/rng.js";
import { DO_ID_BYTES } from "./limits.js";

// An id is 24 bytes of identity followed by an 8-byte tag binding it to its namespace. The tag
// lets `idFromString` reject ids minted by another namespace, as Cloudflare's ids do (they
// embed a checksum and the namespace they belong to).
const BODY_BYTES = 24;
const TAG_BYTES = DO_ID_BYTES - BODY_BYTES;
const HEX_ID = /^[0-9a-f]{64}$/;

export class DurableObjectId implements DurableObjectIdApi {
  readonly namespace: string;
  readonly name?: string;
  readonly #hex: string;

  constructor(namespace: string, hex: string, name?: string) {
    this.namespace = namespace;
    this.#hex = hex;
    if (name !== undefined) this.name = name;
  }

  toString(): string {
    return this.#hex;
  }

  equals(other: DurableObjectIdApi): boolean {
    return other.toString() === this.#hex;
  }
}

function tagOf(namespace: string, body: Buffer): Buffer {
  const hash = createHash("sha256").update("do-id-tag\u0000").update(namespace).update("\u0000").update(body);
  return hash.digest().subarray(0, TAG_BYTES);
}

function idWithBody(namespace: string, body: Buffer, name?: string): DurableObjectId {
  const hex = Buffer.concat([body, tagOf(namespace, body)]).toString("hex");
  return new DurableObjectId(namespace, hex, name);
}

/** The same name in the same namespace always gives the same object, worldwide. */
export function idFromName(namespace: string, name: string): DurableObjectId {
  if (typeof name !== "string") {
    throw new EdgeError("DO_INVALID_NAME", 400, `idFromName needs a string, got ${typeof name}`);
  }
  const body = createHash("sha256").update("do-id-name\u0000").update(namespace).update("\u0000").update(name).digest();
  return idWithBody(namespace, body.subarray(0, BODY_BYTES), name);
}

/** A fresh id from the seeded stream, so a simulation replays the same ids. */
export function newUniqueId(namespace: string, rng: Rng): DurableObjectId {
  const body = Buffer.alloc(BODY_BYTES);
  for (let i = 0; i < BODY_BYTES; i += 4) body.writeUInt32BE(rng.nextU32(), i);
  return idWithBody(namespace, body);
}

export function idFromString(namespace: string, hex: string): DurableObjectId {
  if (typeof hex !== "string" || !HEX_ID.test(hex)) {
    const shown = typeof hex === "string" ? `"${hex.slice(0, 80)}" (${hex.length} characters)` : typeof hex;
    throw new EdgeError("DO_INVALID_ID", 400, `id ${shown} is not 64 lowercase hex characters`);
  }
  const bytes = Buffer.from(hex, "hex");
  const body = bytes.subarray(0, BODY_BYTES);
  if (!tagOf(namespace, body).equals(bytes.subarray(BODY_BYTES))) {
    throw new EdgeError("DO_INVALID_ID", 400, `id ${hex} was not created by namespace "${namespace}"`);
  }
  return new DurableObjectId(namespace, hex);
}

/** Accepts only ids of this namespace (an id from another binding must not reach its objects). */
export function checkIdOf(namespace: string, id: DurableObjectIdApi): DurableObjectId {
  if (id instanceof DurableObjectId && id.namespace === namespace) return id;
  return idFromString(namespace, String(id));
}
