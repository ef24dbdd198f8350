/**
 * Bundles the live figures for the browser (book/live/main.ts with the figure scripts and the
 * parts of src/ they simulate) with esbuild. Node built-ins the simulation never calls in the
 * page map to a module that throws if used; `node:crypto` maps to a sha256 on @noble/hashes
 * (Durable Object ids), `node:v8`'s serializer to JSON records (Durable Object storage) and
 * `Buffer` and `setImmediate` to browser equivalents (shims/globals.ts).
 */
import { build, type Plugin } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LIVE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "live");

const nodeShims: Plugin = {
  name: "edge-kata-node-shims",
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: join(LIVE_DIR, "shims", "node-crypto.ts") }));
    b.onResolve({ filter: /^(node:)?v8$/ }, () => ({ path: join(LIVE_DIR, "shims", "node-v8.ts") }));
    b.onResolve({ filter: /^(node:[a-z0-9_/]+|better-sqlite3)$/ }, () => ({ path: join(LIVE_DIR, "shims", "unavailable.cjs") }));
  },
};

/** The bundle's source text (an IIFE that wires every `<figure data-live>` on its page). */
export async function bundleLiveFigures(): Promise<string> {
  const result = await build({
    entryPoints: [join(LIVE_DIR, "main.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
    inject: [join(LIVE_DIR, "shims", "globals.ts")],
    plugins: [nodeShims],
  });
  return result.outputFiles[0]!.text;
}
