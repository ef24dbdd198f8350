import { wafRequest, type AttackClass, type WafRequest } from "../../../../src/waf/index.js";
import { SQLI_PAYLOADS } from "./sqli.js";
import { XSS_PAYLOADS } from "./xss.js";
import { TRAVERSAL_PAYLOADS } from "./traversal.js";
import { CMDI_PAYLOADS } from "./cmdi.js";
import { BENIGN_REQUESTS } from "./benign.js";

const BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

/** Payloads already percent-encoded (they test decoding) are sent as written. */
function asQueryValue(payload: string): string {
  return /%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4}/.test(payload) ? payload : encodeURIComponent(payload);
}

function attack(url: string): WafRequest {
  return wafRequest(url, { headers: { "user-agent": BROWSER_UA, "accept-language": "en" } });
}

/** Every attack payload as a request, by class. */
export const ATTACK_REQUESTS: Readonly<Record<Exclude<AttackClass, "scanner">, readonly WafRequest[]>> = {
  sqli: SQLI_PAYLOADS.map((p) => attack(`https://shop.example.com/products?id=${asQueryValue(p)}`)),
  xss: XSS_PAYLOADS.map((p) => attack(`https://blog.example.com/search?q=${asQueryValue(p)}`)),
  traversal: TRAVERSAL_PAYLOADS.map(({ payload, inPath }) =>
    attack(inPath ? `https://files.example.com${payload}` : `https://files.example.com/download?file=${asQueryValue(payload)}`),
  ),
  cmdi: CMDI_PAYLOADS.map((p) => attack(`https://router.example.com/diag/ping?host=${asQueryValue(p)}`)),
};

export const BENIGN: readonly WafRequest[] = BENIGN_REQUESTS.map((r) => wafRequest(r.url, r));
