import { b64, type KeyPairFor, signBytes, signSegments } from "./issuer.js";

/**
 * Level 1's parsing rules as token variants, shared by every level that must keep them (level 2
 * may parse with the platform's `parseCompactJws` or its own code: either way these hold).
 */
export const SIZE_MAX = 8192;
export const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Another spelling of the same token that a lenient decoder (Node's Buffer, jose) maps to the
 * same bytes, or that a "helpful" verifier would clean up: pad bits set, `=` padding, `+`/`/`
 * for `-`/`_`, whitespace inside, before or after. Null when this token has no such spelling.
 */
export const SPELLINGS = ["pad-bits", "pad-bits", "equals", "plus-slash", "newline-inside", "space-between", "leading-space", "trailing-newline", "trailing-crlf", "tab-inside"] as const;
export function nonCanonical(token: string, how: number): string | null {
  const parts = token.split(".");
  const segIndex = [2, 0, 1][how % 3]!;
  const seg = parts[segIndex]!;
  const kind = SPELLINGS[Math.floor(how / 3) % SPELLINGS.length]!;
  switch (kind) {
    case "pad-bits": {
      const padBits = (seg.length * 6) % 8;
      if (padBits === 0) return null;
      const last = ALPHABET.indexOf(seg.at(-1)!);
      const variant = (last & ~((1 << padBits) - 1)) | (1 + ((how >> 4) % ((1 << padBits) - 1)));
      parts[segIndex] = seg.slice(0, -1) + ALPHABET[variant]!;
      break;
    }
    case "equals":
      parts[segIndex] = seg + "=".repeat(4 - (seg.length % 4 || 4) || 1);
      break;
    case "plus-slash": {
      // Standard base64's `+` and `/` where base64url has `-` and `_`, in whichever segment has one.
      const i = parts.findIndex((p) => /[-_]/.test(p));
      if (i < 0) return null;
      parts[i] = parts[i]!.replace(/-/g, "+").replace(/_/g, "/");
      break;
    }
    case "newline-inside":
      parts[segIndex] = seg.slice(0, 4) + "\n" + seg.slice(4);
      break;
    case "tab-inside":
      parts[segIndex] = seg.slice(0, 2) + "\t" + seg.slice(2);
      break;
    case "space-between":
      return parts.join(". ");
    case "leading-space":
      return ` ${token}`;
    case "trailing-newline":
      return `${token}\n`;
    case "trailing-crlf":
      return `${token}\r\n`;
  }
  return parts.join(".");
}

/** Every non-canonical spelling of `token` (each kind on each segment), starting at variant `salt`. */
export function nonCanonicalSpellings(token: string, salt = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < SPELLINGS.length * 3; i++) {
    const variant = nonCanonical(token, i + 3 * SPELLINGS.length * (salt % 8));
    if (variant !== null && variant !== token) out.push(variant);
  }
  return out;
}

/**
 * Characters outside the base64url alphabet: the first non-ASCII code unit, Latin-1, a
 * full-width "Ａ", one whose low byte is 0, standard base64's `+` `/` `=`, and ASCII outsiders.
 */
export const OUTSIDERS = ["\u0080", "é", "\u00ff", "Ａ", "\u0100", "+", "/", "=", "%", " ", "\u0000", "*"];

/**
 * True when a signature holds an "A" (value 0), a "B" (1) and a "_" (all ones) at an index that
 * is a multiple of 4: the values a decoder that lets an outsider through reads it as (a missing
 * table entry, an off-by-one default, or -1 taken as bits).
 */
export function tellingSignature(token: string): boolean {
  const sig = token.split(".")[2] ?? "";
  return sig.includes("A") && sig.includes("B") && [...sig].some((c, i) => c === "_" && i % 4 === 0);
}

/** Signs `payload` plus a `jti` that varies until the signature is telling (see above). */
export async function withTellingSignature(sign: (payload: Record<string, unknown>) => Promise<string>, payload: Record<string, unknown>): Promise<string> {
  for (let jti = 0; jti < 2000; jti++) {
    const token = await sign({ ...payload, jti: String(jti) });
    if (tellingSignature(token)) return token;
  }
  throw new Error("suite bug: no signature with A, B and an aligned _");
}

/** `token` with character `i` of its signature replaced by each outsider in turn. */
export function outsidersInSignature(token: string, positions: "all" | "telling"): string[] {
  const [h, p, sig] = token.split(".") as [string, string, string];
  const out: string[] = [];
  for (let i = 0; i < sig.length; i++) {
    if (positions === "telling" && !(sig[i] === "A" || sig[i] === "B" || (sig[i] === "_" && i % 4 === 0))) continue;
    for (const outsider of OUTSIDERS) out.push(`${h}.${p}.${sig.slice(0, i)}${outsider}${sig.slice(i + 1)}`);
  }
  return out;
}

/**
 * `text` as JSON padded with spaces to a multiple of 3 bytes, so it encodes to a multiple of 4
 * characters: one more zero-valued character ("A") then carries no whole byte, and a decoder that
 * drops leftover bits reads the same JSON.
 */
export function paddedJson(text: string, extra = 0): string {
  return text + " ".repeat((3 - (text.length % 3)) % 3) + " ".repeat(3 * extra);
}

/** Tokens validly signed over a header or payload segment of 1 mod 4 characters (an "A" appended). */
export async function oneModFourTokens(key: KeyPairFor, header: string, payload: string, extra = 0): Promise<string[]> {
  const h = b64(new TextEncoder().encode(paddedJson(header, extra)));
  const p = b64(new TextEncoder().encode(paddedJson(payload, extra)));
  return [await signSegments(key, `${h}A`, p), await signSegments(key, h, `${p}A`)];
}

/** Token shapes that are not three segments: `h`, `p`, `s` are a valid token's segments, `x` another segment. */
export const SHAPES = ["h.p", "h.p.s.", "h.p.s.s", "h.p.s.x", "h.p.s.s.s", ".h.p.s", "h..p.s", "h.p..s", "", ".", "..", "h.p.", ".p.s", "h..s"];
export function shaped(token: string, shape: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  return shape.replace(/[hpsx]/g, (c) => (c === "h" ? h : c === "p" ? p : c === "s" ? s : "e30"));
}

/**
 * A token of exactly `length` characters signed by `key` (HS256 or any alg: the signature's
 * length is measured), whose payload is `claims` plus a `pad` string; null if none gets there.
 */
export async function tokenOfLength(key: KeyPairFor, length: number, claims: Record<string, unknown> = { sub: "s" }): Promise<string | null> {
  const sigChars = (await signBytes(key, "{}", "{}")).split(".")[2]!.length;
  const b64len = (n: number): number => Math.ceil((n * 4) / 3);
  const bytes = (s: string): number => new TextEncoder().encode(s).length;
  for (let kid = 0; kid < 4; kid++) {
    const header = `{"alg":"${key.alg}","kid":"${"k".repeat(kid)}"}`;
    const base = JSON.stringify({ ...claims, pad: "" });
    const room = length - b64len(header.length) - 2 - sigChars;
    const pad = Math.floor((room * 3) / 4) - bytes(base);
    for (let p = Math.max(0, pad - 3); p <= pad + 3; p++) {
      const payload = JSON.stringify({ ...claims, pad: "p".repeat(p) });
      if (b64len(header.length) + 1 + b64len(bytes(payload)) + 1 + sigChars === length) {
        const token = await signBytes(key, header, payload);
        if (token.length === length) return token;
      }
    }
  }
  return null;
}

/** A JSON object's bytes with an invalid UTF-8 sequence (0xFF 0xFE) as the string value of `name`. */
export function badUtf8Json(claims: Record<string, unknown>, name: string): Uint8Array {
  const [before, after] = JSON.stringify({ ...claims, [name]: "~" }).split('"~"') as [string, string];
  const enc = (t: string): number[] => [...new TextEncoder().encode(t)];
  return new Uint8Array([...enc(`${before}"`), 0xff, 0xfe, ...enc(`"${after}`)]);
}
