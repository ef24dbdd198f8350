import { EdgeError } from "../core/errors.js";

// A list cursor names the last key returned, not a position: keys written or deleted while
// a caller pages through never shift a page, so no live key is skipped or listed twice.
// It is opaque to callers (base64url), like Cloudflare's, and versioned so it can change.
const CURSOR_VERSION = "k1:";

export function encodeCursor(lastKey: string): string {
  return Buffer.from(CURSOR_VERSION + lastKey, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!text.startsWith(CURSOR_VERSION)) {
    throw new EdgeError("KV_CURSOR_INVALID", 400, `cursor "${cursor.slice(0, 64)}" was not returned by list()`);
  }
  return text.slice(CURSOR_VERSION.length);
}
