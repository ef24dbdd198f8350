import { EdgeError } from "../core/errors.js";

/** An address as 16 bytes: IPv4 is mapped into `::ffff:a.b.c.d` so one matcher serves both. */
export type IpBytes = Uint8Array;

function parseIpv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Parses IPv4 or IPv6 (with `::` and an embedded IPv4 tail); null when malformed. */
export function parseIp(text: string): IpBytes | null {
  const v4 = parseIpv4(text);
  if (v4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  if (!text.includes(":") || text.length > 45) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes(".")) {
        const tail = parseIpv4(p);
        if (!tail) return null;
        out.push((tail[0]! << 8) | tail[1]!, (tail[2]! << 8) | tail[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** A network `address/prefix`; a bare address is a /32 (IPv4) or /128 (IPv6). */
export interface Cidr {
  readonly bytes: IpBytes;
  /** Prefix length over the 128-bit mapped form. */
  readonly prefixBits: number;
}

export function parseCidr(text: string): Cidr {
  const [addr, prefix] = text.split("/");
  const bytes = parseIp(addr ?? "");
  const isV4 = parseIpv4(addr ?? "") !== null;
  const maxBits = isV4 ? 32 : 128;
  const bits = prefix === undefined ? maxBits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!bytes || !(bits >= 0 && bits <= maxBits)) {
    throw new EdgeError("WAF_BAD_IP", 400, `"${text}" is not an IP address or CIDR (prefix at most /${maxBits})`);
  }
  return { bytes, prefixBits: isV4 ? bits + 96 : bits };
}

export function cidrContains(cidr: Cidr, ip: IpBytes): boolean {
  let bits = cidr.prefixBits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.bytes[i] as number) & mask) !== ((ip[i] as number) & mask)) return false;
  }
  return true;
}
