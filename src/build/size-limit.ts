import { gzipSync } from "node:zlib";
import { EdgeError } from "../core/errors.js";

const MIB = 1024 * 1024;

/**
 * Worker size limits, after compression, from Cloudflare's "Workers limits" page ("Worker
 * size": 3 MB on Workers Free, 10 MB on Workers Paid; the errors page: "A Worker can be up to
 * 10 MB in size after compression on the Workers Paid plan, and up to 3 MB on the Workers Free
 * plan"). The limit counts the script and its modules, gzipped. The platform refuses what no
 * plan could deploy and warns about what only Paid could.
 */
export const WORKER_SIZE_GZIP_BYTES_MAX_PAID = 10 * MIB;
export const WORKER_SIZE_GZIP_BYTES_MAX_FREE = 3 * MIB;

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

/** Refuses a bundle over the Paid limit (both sizes in the message); a warning over Free's. */
export function checkBundleSize(name: string, size: BundleSize): string | undefined {
  const both = `${formatSize(size.bytes)} (${formatSize(size.gzipBytes)} gzip)`;
  if (size.gzipBytes > WORKER_SIZE_GZIP_BYTES_MAX_PAID) {
    throw new EdgeError(
      "WORKER_TOO_LARGE",
      413,
      `worker "${name}" is ${both}; Cloudflare accepts at most ${formatSize(WORKER_SIZE_GZIP_BYTES_MAX_PAID)} after compression on Workers Paid (${formatSize(WORKER_SIZE_GZIP_BYTES_MAX_FREE)} on Workers Free)`,
    );
  }
  if (size.gzipBytes > WORKER_SIZE_GZIP_BYTES_MAX_FREE) {
    return `worker "${name}" is ${both}: over the ${formatSize(WORKER_SIZE_GZIP_BYTES_MAX_FREE)} Workers Free limit after compression (Workers Paid allows ${formatSize(WORKER_SIZE_GZIP_BYTES_MAX_PAID)})`;
  }
  return undefined;
}
