/**
 * Cloudflare lists KV keys "in lexicographic order by their UTF-8 bytes". JavaScript's `<`
 * compares UTF-16 code units, which disagrees for characters above U+FFFF versus U+E000..U+FFFF;
 * comparing code points gives exactly the UTF-8 byte order.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only the first differing unit matters; a surrogate (D800..DFFF) stands for a code point
    // above U+FFFF, so it sorts after every BMP unit from E000 upwards.
    return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000; // above 0xFFFF after the shift
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

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
