/**
 * Cloudflare lists KV keys "in lexicographic order by their UTF-8 bytes". That is code point
 * order, the same order the storage layer (SQLite BLOB keys) uses, so KV shares its comparator.
 */
export { compareKeys as compareUtf8 } from "../storage/key-order.js";

const encoder = new TextEncoder();

export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // includes lone surrogates, which TextEncoder replaces with U+FFFD (3 bytes)
  }
  return bytes;
}

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}
