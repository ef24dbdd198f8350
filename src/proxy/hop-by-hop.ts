/**
 * RFC 9110 §7.6.1: a proxy forwards end-to-end fields and drops the ones that describe only
 * the connection it received the message on. This is the fixed list, plus (below) every field
 * the `Connection` header names, which is how a sender marks its own extensions hop-by-hop.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  "connection",
  "keep-alive",
  "proxy-connection", // Not standard, but sent by old clients; RFC 9110 §7.6.1 says remove it too.
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
];

// ANCHOR: strip
/** Copies `headers` without the hop-by-hop fields of RFC 9110 §7.6.1. */
export function withoutHopByHop(headers: Headers): Headers {
  const named = new Set(HOP_BY_HOP_HEADERS);
  for (const value of [headers.get("connection"), headers.get("proxy-connection")]) {
    for (const token of (value ?? "").split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "") named.add(name);
    }
  }
  const out = new Headers();
  headers.forEach((value, name) => {
    if (name === "set-cookie" || named.has(name)) return;
    out.append(name, value);
  });
  // Headers.forEach joins Set-Cookie lines with ", ", which breaks cookies with dates in them.
  if (!named.has("set-cookie")) for (const cookie of headers.getSetCookie()) out.append("set-cookie", cookie);
  return out;
}
// ANCHOR_END: strip

/** RFC 9110 §7.6.3: each intermediary appends `<protocol> <pseudonym>` to Via. */
export function appendVia(headers: Headers, pseudonym: string): void {
  const existing = headers.get("via");
  headers.set("via", existing ? `${existing}, 1.1 ${pseudonym}` : `1.1 ${pseudonym}`);
}
