/**
 * SecLang transformations (`t:…`), as ModSecurity's reference manual defines them, on
 * JavaScript strings (request text decoded as UTF-8; byte-oriented ones work on UTF-8 bytes).
 */
import { createHash } from "node:crypto";
import { htmlEntityDecode, urlDecode } from "../normalize.js";

export type Transform = (input: string) => string;

const WHITESPACE = /[\s\u000b\u00a0]+/g;

function urlDecodePlain(s: string): string {
  // ModSecurity's urlDecode does not know %uXXXX; urlDecodeUni does.
  return urlDecode(s.replace(/%u([0-9a-fA-F]{4})/g, "%25u$1"));
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

/** ModSecurity's cmdLine: what a shell would ignore, removed, so `c^at`, `"c"at` and `cat` read alike. */
function cmdLine(s: string): string {
  return s
    .replace(/[\\"'^]/g, "")
    .replace(/[,;]/g, " ")
    .replace(/\s+/g, " ")
    .replace(/ (?=[/(])/g, "")
    .toLowerCase();
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
  utf8toUnicode: (s) => s.replace(/[^\x00-\x7f]/g, (c) => `%u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
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
