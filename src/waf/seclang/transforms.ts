/**
 * SecLang transformations (`t:…`), as ModSecurity's reference manual defines them, on
 * JavaScript strings (request text decoded as UTF-8; byte-oriented ones work on UTF-8 bytes).
 */
import { createHash } from "node:crypto";
import { htmlEntityDecode, urlDecode } from "../normalize.js";

export type Transform = (input: string) => string;

const WHITESPACE = /[\s\u000b\u00a0]+/g;

function urlDecodePlain(s: string): string {
  if (!s.includes("%") && !s.includes("+")) return s;
  // ModSecurity's urlDecode does not know %uXXXX; urlDecodeUni does.
  return urlDecode(s.replace(/%u([0-9a-fA-F]{4})/g, "%25u$1"));
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** JavaScript's `\s`: what `.replace(/\s+/g, …)` merges. */
function isJsSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function jsDecode(s: string): string {
  if (!s.includes("\\")) return s;
  return s.replace(/\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-7]{1,3})|(.))/gs, (_m, u?: string, x?: string, oct?: string, ch?: string) => {
    if (u) return String.fromCharCode(parseInt(u, 16));
    if (x) return String.fromCharCode(parseInt(x, 16));
    if (oct) return String.fromCharCode(parseInt(oct, 8) & 0xff);
    const map: Record<string, string> = { a: "\u0007", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\u000b" };
    return map[ch!] ?? ch!;
  });
}

function cssDecode(s: string): string {
  if (!s.includes("\\")) return s;
  return s.replace(/\\(?:([0-9a-fA-F]{1,6})\s?|\n|(.))/gs, (_m, hex?: string, ch?: string) => {
    if (hex) {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return ch ?? "";
  });
}

/**
 * ModSecurity's cmdLine: what a shell would ignore, removed, so `c^at`, `"c"at` and `cat` read
 * alike. In order: `\ " ' ^` deleted, `,` and `;` made spaces, runs of white space made one
 * space, a space before `/` or `(` deleted, lower case. One pass (the tests compare it with
 * those four replacements on random text).
 */
function cmdLine(s: string): string {
  let out = "";
  let from = 0;
  let pendingSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const deleted = c === 92 || c === 34 || c === 39 || c === 94;
    const space = !deleted && (c === 44 || c === 59 || isJsSpace(c));
    if (!deleted && !space && !pendingSpace) continue;
    // A character that is kept as it is extends the current run [from, i).
    if (deleted || space) {
      out += s.slice(from, i);
      from = i + 1;
      if (space) pendingSpace = true;
      continue;
    }
    // A kept character after a run of spaces: one space, unless it is `/` or `(`.
    if (c !== 47 && c !== 40) out += " ";
    pendingSpace = false;
  }
  out += s.slice(from);
  if (pendingSpace) out += " ";
  return out.toLowerCase();
}

function removeComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?(\*\/|$)|<!--[\s\S]*?(-->|$)|--.*$|#.*$/gm, "");
}

function replaceComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?(\*\/|$)/g, " ");
}

export function normalizePath(s: string): string {
  if (!s.includes("/")) return s;
  const absolute = s.startsWith("/");
  const trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..");
  const out: string[] = [];
  for (const seg of s.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const joined = (absolute ? "/" : "") + out.join("/");
  return trailing && out.length > 0 ? `${joined}/` : joined || (absolute ? "/" : "");
}

function utf8Bytes(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

function base64Decode(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9+/=]/g, "");
  return Buffer.from(clean, "base64").toString("latin1");
}

function hexDecode(s: string): string {
  let out = "";
  for (let i = 0; i + 1 < s.length; i += 2) {
    const v = parseInt(s.slice(i, i + 2), 16);
    if (Number.isNaN(v)) return out;
    out += String.fromCharCode(v);
  }
  return out;
}

export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  lowercase: (s) => s.toLowerCase(),
  uppercase: (s) => s.toUpperCase(),
  urlDecode: urlDecodePlain,
  urlDecodeUni: (s) => urlDecode(s),
  htmlEntityDecode: (s) => htmlEntityDecode(s),
  jsDecode,
  cssDecode,
  cmdLine,
  compressWhitespace: (s) => s.replace(WHITESPACE, " "),
  removeWhitespace: (s) => s.replace(WHITESPACE, ""),
  removeNulls: (s) => (s.includes("\u0000") ? s.replace(/\u0000/g, "") : s),
  replaceNulls: (s) => (s.includes("\u0000") ? s.replace(/\u0000/g, " ") : s),
  removeComments,
  replaceComments,
  removeCommentsChar: (s) => s.replace(/\/\*|\*\/|--|#/g, ""),
  normalizePath,
  normalisePath: normalizePath,
  normalizePathWin: (s) => normalizePath(s.replace(/\\/g, "/")),
  normalisePathWin: (s) => normalizePath(s.replace(/\\/g, "/")),
  // Text here is already Unicode: what ModSecurity writes as %uHHHH for UTF-8 sequences.
  utf8toUnicode: (s) => (isAscii(s) ? s : s.replace(/[^\x00-\x7f]/g, (c) => `%u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)),
  base64Decode,
  base64DecodeExt: base64Decode,
  hexDecode,
  hexEncode: (s) => Buffer.from(s, "latin1").toString("hex"),
  sha1: (s) => createHash("sha1").update(utf8Bytes(s)).digest().toString("latin1"),
  md5: (s) => createHash("md5").update(utf8Bytes(s)).digest().toString("latin1"),
  length: (s) => String(utf8Bytes(s).length),
  trim: (s) => s.trim(),
  trimLeft: (s) => s.trimStart(),
  trimRight: (s) => s.trimEnd(),
  escapeSeqDecode: jsDecode,
  sqlHexDecode: (s) => s.replace(/0x((?:[0-9a-fA-F]{2})+)/g, (_m, hex: string) => hexDecode(hex)),
};

/** A transformation chain as the engine and the prefilter run it: each prefix's result is kept. */
export interface TransformChain {
  readonly transforms: readonly Transform[];
  /** `prefixKeys[k]`: the names of transforms 0..k joined by commas (the cache key of that prefix). */
  readonly prefixKeys: readonly string[];
}

/** Transformed values by chain key, then input: rules share chains, and chains share prefixes. */
export type TransformCache = Map<string, Map<string, string>>;

export function chainPrefixKeys(names: readonly string[]): string[] {
  return names.map((_n, k) => names.slice(0, k + 1).join(","));
}

/**
 * `value` through the chain, resuming from the longest prefix already computed for it in this
 * request (`t:urlDecodeUni,t:htmlEntityDecode` reuses `t:urlDecodeUni`). An empty value is read
 * untransformed, as ModSecurity does.
 */
export function runTransformChain(chain: TransformChain, value: string, cache: TransformCache): string {
  const n = chain.transforms.length;
  if (n === 0 || value === "") return value;
  let k = n;
  let v: string | undefined;
  for (; k > 0; k--) {
    v = cache.get(chain.prefixKeys[k - 1]!)?.get(value);
    if (v !== undefined) break;
  }
  if (v === undefined) v = value;
  for (; k < n; k++) {
    v = chain.transforms[k]!(v);
    const key = chain.prefixKeys[k]!;
    let byValue = cache.get(key);
    if (byValue === undefined) {
      byValue = new Map();
      cache.set(key, byValue);
    }
    byValue.set(value, v);
  }
  return v;
}
