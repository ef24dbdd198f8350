/**
 * Strict base64url (RFC 4648 §5) as JWS requires it: no padding, no whitespace, only the
 * 64-character alphabet, and the unused low bits of the last character must be zero (RFC 4648
 * §3.5: "the pad bits MUST be set to zero"; decoders MAY reject otherwise — we do). A lenient
 * decoder maps several different strings to the same bytes, so a raw token string is not a
 * stable identity for the bytes that were signed.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE_OF[ALPHABET.charCodeAt(i)] = i;

/** The bytes of `text`, or null if it is not canonical unpadded base64url. */
export function decodeBase64UrlStrict(text: string): Uint8Array<ArrayBuffer> | null {
  // A length of 1 mod 4 cannot come from any byte string.
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUE_OF[code]! : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits are padding; canonical encoders emit zeros there.
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** Canonical unpadded base64url. No `Buffer`: Workers lack it unless nodejs_compat is on. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * What lenient decoders (jose, atob, Node's Buffer) read: `+`/`/` taken as `-`/`_`, padding and
 * whitespace dropped, pad bits ignored. Never use it to verify; use it where every spelling a
 * lenient verifier accepts must map to one identity (a revocation key). Null if undecodable.
 */
export function decodeBase64UrlLenient(text: string): Uint8Array<ArrayBuffer> | null {
  let clean = text.replace(/\s+/g, "").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const padBits = (clean.length * 6) % 8;
  if (padBits > 0 && clean.length > 0) {
    const last = ALPHABET.indexOf(clean.at(-1)!);
    if (last < 0) return null;
    clean = clean.slice(0, -1) + ALPHABET[last & ~((1 << padBits) - 1)]!;
  }
  return decodeBase64UrlStrict(clean);
}
