import type { WafRequest } from "./request.js";

// Cloudflare's bot score: 1 means almost certainly automated, 99 almost certainly human
// ("Bot scores" in the Bot Management docs); 1 is also used for verified automation.
export const BOT_SCORE_MIN = 1;
export const BOT_SCORE_MAX = 99;

export interface BotFeatures {
  /** Requests this client sent in the last minute, this one included. */
  readonly requestsLastMinute: number;
}

const TOOL_UA = /\b(curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|libwww-perl|lwp::|java\/|okhttp|apache-httpclient|axios|node-fetch|undici|scrapy|phantomjs|headlesschrome|selenium|puppeteer|postman)/i;
const SCANNER_UA = /sqlmap|nikto|nmap|masscan|acunetix|nessus|wpscan|dirbuster|gobuster|zgrab|nuclei|w3af|havij|ffuf|feroxbuster/i;
const BROWSER_UA = /^Mozilla\/5\.0 \([^)]+\).*\b(Chrome|Firefox|Safari|Edg|OPR)\/\d/;
const CRAWLER_UA = /bot\b|crawler|spider|slurp/i;

/**
 * A heuristic score from request features alone: what the User-Agent claims, whether the
 * headers a real browser always sends are there, and how fast this client is going. Same
 * request and features give the same score.
 */
export function botScore(request: WafRequest, features: BotFeatures): number {
  const h = request.headers;
  const ua = h["user-agent"] ?? "";
  if (ua === "" || SCANNER_UA.test(ua)) return BOT_SCORE_MIN;
  let score: number;
  if (TOOL_UA.test(ua)) score = 5;
  else if (CRAWLER_UA.test(ua)) score = 15;
  else if (BROWSER_UA.test(ua)) score = 60;
  else score = 30;
  // Browsers always send these on navigations; HTTP libraries usually do not.
  if (h["accept-language"] !== undefined) score += 15;
  else score -= 10;
  if (/\b(gzip|br|deflate|zstd)\b/.test(h["accept-encoding"] ?? "")) score += 8;
  else score -= 8;
  if ((h["accept"] ?? "").includes("text/html") || (h["accept"] ?? "").includes("*/*")) score += 4;
  // Client hints and fetch metadata: only a Chromium claiming to be Chrome sends sec-ch-ua.
  if (h["sec-fetch-mode"] !== undefined) score += 6;
  if (/Chrome\//.test(ua) && !/Edg|OPR/.test(ua) && h["sec-ch-ua"] === undefined) score -= 6;
  if (Object.keys(h).length < 4) score -= 10;
  // Header order: browsers send Accept before Accept-Encoding; python-requests and several
  // other libraries send Accept-Encoding first. A browser UA with a library's order is a tell.
  // (Records built from a WHATWG Request are sorted by name, which never trips this.)
  const names = Object.keys(h);
  const acceptAt = names.indexOf("accept");
  const encodingAt = names.indexOf("accept-encoding");
  if (BROWSER_UA.test(ua) && acceptAt >= 0 && encodingAt >= 0 && encodingAt < acceptAt) score -= 15;
  // Sustained rates a person cannot click at.
  if (features.requestsLastMinute > 300) score -= 40;
  else if (features.requestsLastMinute > 120) score -= 25;
  else if (features.requestsLastMinute > 60) score -= 10;
  return Math.max(BOT_SCORE_MIN + 1, Math.min(BOT_SCORE_MAX, Math.round(score)));
}
