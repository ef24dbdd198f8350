/** A storage key as SQLite stores it: its UTF-8 bytes, so keys sort by byte order as on Cloudflare. */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, "utf8");
}
