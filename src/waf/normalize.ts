// OWASP CRS decodes a bounded number of times; attackers double-encode (`%252e`) to slip past a
// single decode, and three rounds cover the encodings seen in public payload lists.
export const URL_DECODE_ROUNDS_MAX = 3;

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Cloudflare's `url_decode()`: `%XX` to bytes, `+` to a space, and IIS-style `%uXXXX`.
 * Malformed escapes are kept literally; invalid UTF-8 becomes U+FFFD. Never throws.
 */
export function urlDecode(text: string): string {
  if (!text.includes("%")) return text.includes("+") ? text.replaceAll("+", " ") : text;
  let out = "";
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) out += utf8.decode(Uint8Array.from(bytes));
    bytes.length = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 /* % */ && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes.push(parseInt(text.substr(i + 1, 2), 16));
      i += 2;
      continue;
    }
    flush();
    const u = text.charCodeAt(i + 1);
    if (c === 37 && (u === 117 || u === 85) && [2, 3, 4, 5].every((k) => isHex(text.charCodeAt(i + k)))) {
      out += String.fromCharCode(parseInt(text.substr(i + 2, 4), 16));
      i += 5;
    } else out += c === 43 /* + */ ? " " : text[i];
  }
  flush();
  return out;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Decodes until a fixed point or the round bound, whichever comes first. */
export function urlDecodeRepeated(text: string, roundsMax = URL_DECODE_ROUNDS_MAX): string {
  let current = text;
  for (let round = 0; round < roundsMax; round++) {
    const next = urlDecode(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  lt: "<", gt: ">", quot: '"', apos: "'", amp: "&", nbsp: " ", colon: ":", lpar: "(", rpar: ")",
  sol: "/", bsol: "\\", tab: "\t", newline: "\n", equals: "=", grave: "`", semi: ";", period: ".",
};

/** HTML character references, with or without the trailing `;` as browsers accept them. */
export function htmlEntityDecode(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * The transformation chain managed rules see, like CRS's `t:urlDecodeUni,t:htmlEntityDecode,
 * t:lowercase,t:removeNulls,t:compressWhitespace`; SQL comments become spaces so `UNION/**\/SELECT`
 * reads as `union select`.
 */
// ANCHOR: normalize
export function normalizeForInspection(text: string): string {
  let s = urlDecodeRepeated(text);
  s = htmlEntityDecode(s);
  s = s.toLowerCase().replace(/\u0000/g, "");
  s = s.replace(/\/\*.*?\*\//g, " ");
  // Newlines stay: they separate shell commands.
  return s.replace(/[ \t\r\f\v]+/g, " ");
// ANCHOR_END: normalize
}

/**
 * True when no step of `normalizeForInspection` can change `text`: only lower-case letters,
 * digits and `/._~-=` (no `%`, `+`, `&`, upper case, NUL, `*` or whitespace). Most paths are.
 */
export function isAlreadyNormal(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const plain = (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 46 || c === 95 || c === 126 || c === 45 || c === 61;
    if (!plain) return false;
  }
  return true;
}
