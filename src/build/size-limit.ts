import { gzipSync } from "node:zlib";
import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";

const MIB = 1024 * 1024;

/**
 * Cloudflare's Worker size limit, from the facts registry: the script and its modules,
 * uncompressed, 64 MiB on every plan. It replaced the compressed limits (3 MB on Workers Free,
 * 10 MB on Workers Paid, measured after gzip) in 2026, and wrangler's bundle reporter compares
 * the uncompressed size since. The gzip size is still printed, as wrangler prints it.
 */
export const WORKER_SIZE_BYTES_MAX = fact("workers.scriptBytesMax").value;

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
}

export function measureBundle(parts: readonly Uint8Array[]): BundleSize {
  let bytes = 0;
  let gzipBytes = 0;
  for (const part of parts) {
    bytes += part.byteLength;
    gzipBytes += gzipSync(part).byteLength;
  }
  return { bytes, gzipBytes };
}

export function formatSize(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(2)} KiB`;
}

/** Refuses a bundle over Cloudflare's Worker size limit, with both its sizes in the message. */
export function checkBundleSize(name: string, size: BundleSize): void {
  if (size.bytes > WORKER_SIZE_BYTES_MAX) {
    throw new EdgeError(
      "WORKER_TOO_LARGE",
      413,
      `worker "${name}" is ${formatSize(size.bytes)} (${formatSize(size.gzipBytes)} gzip); Cloudflare accepts at most ${formatSize(WORKER_SIZE_BYTES_MAX)}, uncompressed, on every plan`,
    );
  }
}
