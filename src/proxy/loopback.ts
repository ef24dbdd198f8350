import { EdgeError } from "../core/errors.js";

/**
 * edge-kata is a learning tool that runs on one machine: proxy mode forwards to an app on
 * the same machine, and its tests must never leave it. Refusing other origins by default
 * also keeps a misconfigured `--origin` from turning a laptop into an open proxy toward the
 * internet. `allowNonLoopback` is the explicit way out for someone who knows they want it.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true; // RFC 6761 §6.3
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  if (host.startsWith("::ffff:")) return isLoopbackHostname(host.slice("::ffff:".length));
  // RFC 1122 §3.2.1.3: all of 127.0.0.0/8 is loopback.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and checks an origin URL; throws an `EdgeError` naming the bad value. */
export function parseOriginUrl(originUrl: string, allowNonLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(originUrl);
  } catch {
    throw new EdgeError("ORIGIN_URL_INVALID", 400, `origin ${JSON.stringify(originUrl)} is not an absolute URL such as http://127.0.0.1:3000`);
  }
  if (url.protocol !== "http:") {
    throw new EdgeError("ORIGIN_PROTOCOL_UNSUPPORTED", 400, `origin ${originUrl} uses ${url.protocol}; proxy mode speaks http: to a local app`);
  }
  if (!allowNonLoopback && !isLoopbackHostname(url.hostname)) {
    throw new EdgeError(
      "ORIGIN_NOT_LOOPBACK",
      400,
      `origin host ${url.hostname} is not loopback (127.0.0.0/8, ::1, localhost); set allowNonLoopback to proxy elsewhere`,
    );
  }
  return url;
}
