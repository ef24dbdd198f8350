import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import ivm from "isolated-vm";

/**
 * The `node:*` modules a worker with the `nodejs_compat` compatibility flag may import, as
 * workerd provides them (Cloudflare "Node.js compatibility"). Each is an ES module compiled in
 * the isolate only when the worker imports it, so workers that do not pay nothing:
 * - `node:buffer` and `node:events` are the `buffer` and `events` npm packages (the browser
 *   ports of Node's own), bundled once per process;
 * - `node:util` and `node:crypto` are written here (runtime/node-*.js); node:crypto's hashes
 *   are computed by the host.
 */
export const NODE_COMPAT_MODULES: readonly string[] = ["node:buffer", "node:crypto", "node:events", "node:util"];

const PACKAGE_ROOT = dirname(fileURLToPath(new URL("../../package.json", import.meta.url)));

const PACKAGE_ENTRIES: Record<string, string> = {
  "node:buffer": `import * as b from "buffer";
export const Buffer = b.Buffer;
export const SlowBuffer = b.SlowBuffer;
export const INSPECT_MAX_BYTES = b.INSPECT_MAX_BYTES;
export const kMaxLength = b.kMaxLength;
export const kStringMaxLength = 2 ** 29 - 24;
export const constants = Object.freeze({ MAX_LENGTH: b.kMaxLength, MAX_STRING_LENGTH: kStringMaxLength });
export const atob = globalThis.atob;
export const btoa = globalThis.btoa;
export default { Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength, kStringMaxLength, constants, atob, btoa };
`,
  "node:events": `import EventEmitter from "events";
export default EventEmitter;
export { EventEmitter };
export const once = EventEmitter.once;
export const defaultMaxListeners = EventEmitter.defaultMaxListeners;
`,
};

const RUNTIME_FILES: Record<string, string> = { "node:util": "node-util.js", "node:crypto": "node-crypto.js" };

const sources = new Map<string, string>();

/** The ES module source of a `node:*` module, built on first use and kept for the process. */
export function nodeModuleSource(name: string): string | undefined {
  const cached = sources.get(name);
  if (cached !== undefined) return cached;
  let source: string | undefined;
  const entry = PACKAGE_ENTRIES[name];
  const file = RUNTIME_FILES[name];
  if (entry !== undefined) {
    const out = buildSync({
      stdin: { contents: entry, resolveDir: PACKAGE_ROOT, loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      target: "es2022",
      platform: "neutral",
      mainFields: ["browser", "module", "main"],
      logLevel: "silent",
    });
    source = out.outputFiles[0]!.text;
  } else if (file !== undefined) {
    source = readFileSync(new URL(`./runtime/${file}`, import.meta.url), "utf8");
  }
  if (source !== undefined) sources.set(name, source);
  return source;
}

const HASHES = new Set(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);

/**
 * The host half of node:crypto's hashes: `(op, algorithm, data, key?)` with op "hash" or
 * "hmac", ArrayBuffers in and out. Everything from the isolate is checked here.
 */
export function nodeCryptoCallback(): ivm.Callback {
  return new ivm.Callback((op: unknown, algorithm: unknown, data: unknown, key: unknown): ArrayBuffer => {
    if (typeof algorithm !== "string" || !HASHES.has(algorithm)) throw new Error("Digest method not supported");
    if (!(data instanceof ArrayBuffer)) throw new TypeError("node:crypto: data must be bytes");
    let digest: Buffer;
    if (op === "hash") digest = createHash(algorithm).update(new Uint8Array(data)).digest();
    else if (op === "hmac" && key instanceof ArrayBuffer) digest = createHmac(algorithm, new Uint8Array(key)).update(new Uint8Array(data)).digest();
    else throw new TypeError("node:crypto: unknown operation");
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
  });
}
