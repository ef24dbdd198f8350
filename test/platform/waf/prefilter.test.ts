import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CRS_INSTALL_HINT, CrsRuleset, findCrs, wafRequest, type WafRequest } from "../../../src/waf/index.js";
import { ATTACK_REQUESTS, BENIGN } from "./corpus/index.js";

// The prefilter (literal gates, replayed constant runs, the detectSqli token check) is a second
// path beside the general one: these tests prove both give the same verdicts.

let fast: CrsRuleset;
let general: CrsRuleset;
beforeAll(() => {
  if (findCrs() === undefined) throw new Error(`the OWASP Core Rule Set is not installed: ${CRS_INSTALL_HINT}`);
  fast = new CrsRuleset();
  general = new CrsRuleset({ prefilter: false });
});

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", accept: "text/html,*/*;q=0.8" };

describe("CRS verdicts with and without the prefilter", () => {
  it("are identical on the whole project corpus (detection and false positives unchanged)", () => {
    const all = [...Object.values(ATTACK_REQUESTS).flat(), ...BENIGN];
    for (const r of all) {
      const g = general.evaluate(r);
      expect(fast.evaluate(r), r.url).toEqual(g);
      // Again: the second run replays the recorded constant runs.
      expect(fast.evaluate(r), r.url).toEqual(g);
    }
  });

  it("are identical on random requests built from attack fragments in every place", () => {
    const pieces = ["'", '"', "<", ">", "a", " ", "/*", "*/", "%27", "%", "\\", "(", ")", "-", "--", "=", "$", "{", ";", "|", "&", "#", "\u0000", "é", "1", " or ", " and ", "select ", "union", "<script", "onerror=", "../", "/etc/passwd", "cat ", "${jndi:", "<?php", "ﬁ", "İ", "K", "Mozilla/5.0", "__proto__", "constructor", "0x41", "&#x3c;", "+"];
    const value = fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((a) => a.join(""));
    const request = fc.tuple(value, value, value, fc.constantFrom("query", "body", "json", "cookie", "header", "path", "name")).map(([a, b, c, where]): WafRequest => {
      const enc = encodeURIComponent;
      switch (where) {
        case "query":
          return wafRequest(`https://a.example/s?q=${enc(a)}&p=${enc(b)}`, { headers: { ...BROWSER, referer: c } });
        case "body":
          return wafRequest("https://a.example/f", { method: "POST", headers: { ...BROWSER, "content-type": "application/x-www-form-urlencoded" }, body: `q=${enc(a)}&${enc(b)}=${enc(c)}` });
        case "json":
          return wafRequest("https://a.example/api", { method: "POST", headers: { ...BROWSER, "content-type": "application/json" }, body: JSON.stringify({ [b]: a, n: [c] }) });
        case "cookie":
          return wafRequest("https://a.example/", { headers: { ...BROWSER, cookie: `${enc(b)}=${enc(a)}; t=${c}` } });
        case "header":
          return wafRequest("https://a.example/", { headers: { "user-agent": a, "x-custom": b, accept: c } });
        case "path":
          return wafRequest(`https://a.example/${enc(a)}/${b.replace(/[?#]/g, "")}`, { headers: BROWSER });
        default:
          return wafRequest(`https://a.example/?${enc(a)}=${enc(b)}`, { headers: BROWSER });
      }
    });
    fc.assert(
      fc.property(request, (r) => {
        expect(fast.evaluate(r)).toEqual(general.evaluate(r));
      }),
      { seed: 20, numRuns: 400 },
    );
  });
});
