// request.cf from the platform: the edge computes it from the PoP dataset, the client
// populations and the AS graph, the TLS and latency models and the WAF, and the worker reads it.
// Field names and types are Cloudflare's (IncomingRequestCfProperties, @cloudflare/workers-types;
// "Request › The cf property" in the Workers docs).
import { afterAll, describe, expect, it } from "vitest";
import { Edge, PerPopWorkers, type OriginHandler } from "../../../src/edge/index.js";
import { popByCode, VirtualClock } from "../../../src/sim/index.js";

const clock = new VirtualClock(1_800_000_000_000);
const origin: OriginHandler = async () => new Response("origin");
const edge = new Edge({ clock, seed: 7, origin });
edge.attachWorker(new PerPopWorkers({ name: "cf", source: "export default { fetch: (request) => Response.json(request.cf) };", clock, cpuMsMax: 1_000, originFor: (pop) => edge.originFor(pop) }));
afterAll(() => edge.attachWorker(undefined));

const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", accept: "text/html", "accept-language": "en", "accept-encoding": "gzip, br", "sec-fetch-mode": "navigate", "sec-ch-ua": "x" };

async function cfOf(clientIp: string, pop?: string, headers: Record<string, string> = BROWSER): Promise<Record<string, unknown>> {
  const r = await edge.handle(new Request("https://shop.example/", { headers }), { clientIp, ...(pop !== undefined && { pop }) });
  expect(r.response.status).toBe(200);
  return (await r.response.json()) as Record<string, unknown>;
}

describe("request.cf (virtual time)", () => {
  it("an emulated PoP (?pop=SYD) places the client in that PoP's city, from the PoP dataset", async () => {
    const syd = popByCode("SYD")!;
    const cf = await cfOf("203.0.113.9", "SYD");
    expect(cf).toMatchObject({
      colo: "SYD",
      city: syd.city,
      country: syd.country,
      continent: "OC",
      latitude: String(syd.lat),
      longitude: String(syd.lon),
      timezone: "Australia/Sydney",
      tlsVersion: "TLSv1.3",
      httpProtocol: "HTTP/1.1",
      clientAcceptEncoding: "gzip, br",
    });
    expect(cf["isEUCountry"]).toBeUndefined();
    // A typical client of SYD: the eyeball network that sends it the most traffic.
    expect(cf["asn"]).toEqual(expect.any(Number));
    expect(cf["asOrganization"]).toMatch(/ Access \d+ \(simulated\)$/);
    expect(Number.isInteger(cf["clientTcpRtt"])).toBe(true);
  });

  it("without an override, colo is the PoP anycast chose and the place is the client population's", async () => {
    for (const ip of ["198.51.100.7", "192.0.2.200", "203.0.113.77", "100.64.1.2"]) {
      const choice = edge.selector.choose(ip);
      const cf = await cfOf(ip);
      expect(cf["colo"]).toBe(choice.pop.code);
      expect(cf["city"]).toBe(choice.client.city);
      expect(cf["country"]).toBe(choice.client.country);
      expect(cf["asn"]).toBe(choice.network.asn);
      expect(cf["asOrganization"]).toBe(`${choice.client.city} Access ${choice.network.index} (simulated)`);
    }
  });

  it("an EU client is flagged, and a European PoP's time zone is its own", async () => {
    const cf = await cfOf("203.0.113.9", "FRA");
    expect(cf).toMatchObject({ colo: "FRA", country: "DE", continent: "EU", isEUCountry: "1", timezone: "Europe/Berlin" });
  });

  it("clientTcpRtt is the modelled round trip: far from the client's network costs more", async () => {
    const ip = "198.51.100.7";
    const home = edge.selector.choose(ip).pop.code;
    const near = (await cfOf(ip, home))["clientTcpRtt"] as number;
    const far = (await cfOf(ip, home === "SYD" ? "LHR" : "SYD"))["clientTcpRtt"] as number;
    expect(far).toBeGreaterThan(near);
  });

  it("botManagement.score is the WAF's bot score: a browser scores high, curl low", async () => {
    const browser = (await cfOf("203.0.113.10", "LHR"))["botManagement"] as { score: number; verifiedBot: boolean };
    const curl = (await cfOf("203.0.113.11", "LHR", { "user-agent": "curl/8.5.0", accept: "*/*" }))["botManagement"] as { score: number };
    expect(browser.score).toBeGreaterThan(50);
    expect(curl.score).toBeLessThan(30);
    expect(browser.verifiedBot).toBe(false);
  });

  it("is the same for the same seed and request (deterministic)", async () => {
    const other = new Edge({ clock, seed: 7, origin });
    other.attachWorker(new PerPopWorkers({ name: "cf2", source: "export default { fetch: (request) => Response.json(request.cf) };", clock, cpuMsMax: 1_000, originFor: (pop) => other.originFor(pop) }));
    try {
      const a = await cfOf("198.51.100.44");
      const r = await other.handle(new Request("https://shop.example/", { headers: BROWSER }), { clientIp: "198.51.100.44" });
      expect(await r.response.json()).toEqual(a);
    } finally {
      other.attachWorker(undefined);
    }
  });
});
