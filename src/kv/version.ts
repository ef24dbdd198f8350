/**
 * What the central store keeps per key, and what a cache holds a copy of: one last-writer-wins
 * register. A delete is a version too (a tombstone, `value === null`), so a put stamped before
 * the delete never brings the key back when the two are merged.
 */
export interface Stamp {
  /** Clock reading at the writing PoP when the write was accepted. */
  readonly timestampMs: number;
  /** Code of the PoP that accepted the write; breaks ties between equal timestamps. */
  readonly writerPop: string;
  /** Store-wide write counter; makes every stamp unique even within one PoP and millisecond. */
  readonly seq: number;
}

export interface StoredVersion {
  readonly stamp: Stamp;
  /** The value's bytes, or null for a tombstone. */
  readonly value: Uint8Array | null;
  /** Metadata serialised as JSON, as the 1024-byte limit is measured on that form. */
  readonly metadataJson?: string;
  /** Absolute expiry in seconds since the epoch. */
  readonly expirationSec?: number;
}

/** True when the version holds a value that has not expired at `nowMs`. */
export function isLive(version: StoredVersion | null | undefined, nowMs: number): version is StoredVersion {
  if (!version || version.value === null) return false;
  // Cloudflare: a key expires at its expiration time, so it reads as missing from then on.
  return version.expirationSec === undefined || nowMs < version.expirationSec * 1000;
}
