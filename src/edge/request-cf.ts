import tzLookup from "@photostructure/tz-lookup";
import type { RequestCf } from "../core/request-cf.js";
import type { Region } from "../sim/index.js";
import type { PopChoice } from "./pop-selector.js";

/** Cloudflare's continent codes; the dataset's Middle East lies in Asia. */
const CONTINENT: Readonly<Record<Region, string>> = { NA: "NA", SA: "SA", EU: "EU", AF: "AF", AS: "AS", OC: "OC", ME: "AS" };

/** The 27 member states of the European Union (ISO 3166-1 alpha-2), for `isEUCountry`. */
const EU_COUNTRIES = new Set(["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]);

/** TLS as the handshake model negotiates it (TLS 1.3, its mandatory AES-128-GCM suite, as Cloudflare names it). */
const TLS_VERSION = "TLSv1.3";
const TLS_CIPHER = "AEAD-AES128-GCM-SHA256";

/** IANA time zones by coordinates; bounded by the dataset (410 PoPs and 71 client populations). */
const timezones = new Map<string, string>();

function timezoneAt(lat: number, lon: number): string {
  const key = `${lat},${lon}`;
  let tz = timezones.get(key);
  if (tz === undefined) {
    tz = tzLookup(lat, lon);
    timezones.set(key, tz);
  }
  return tz;
}

export interface RequestCfInputs {
  readonly choice: PopChoice;
  /** The modelled client-to-PoP round trip (ms). */
  readonly rttMs: number;
  /** The client's HTTP version as the server saw it ("HTTP/1.1"). @defaultValue "HTTP/1.1" */
  readonly httpProtocol?: string;
  readonly acceptEncoding: string | null;
  /** The WAF's bot score for this request; absent when the WAF is off. */
  readonly botScore?: number;
}

/**
 * `request.cf` for one request, from the platform's own data: the PoP anycast chose (or the one
 * emulated), the client's location and eyeball network from the client population its address
 * maps to in the AS graph, the modelled RTT and TLS, and the WAF's bot score. An emulated PoP
 * (`?pop=SYD`) places the client in that PoP's city, on the network that sends it the most traffic.
 */
export function requestCf(inputs: RequestCfInputs): RequestCf {
  const { choice } = inputs;
  const place = choice.by === "override" ? choice.pop : choice.client;
  const network = choice.network;
  const cf: Record<string, unknown> = {
    colo: choice.pop.code,
    country: place.country,
    ...(EU_COUNTRIES.has(place.country) && { isEUCountry: "1" }),
    city: place.city,
    continent: CONTINENT[place.region],
    latitude: String(place.lat),
    longitude: String(place.lon),
    timezone: timezoneAt(place.lat, place.lon),
    asn: network.asn,
    asOrganization: `${network.client.city} Access ${network.index} (simulated)`,
    clientTcpRtt: Math.round(inputs.rttMs),
    clientAcceptEncoding: inputs.acceptEncoding ?? "",
    httpProtocol: inputs.httpProtocol ?? "HTTP/1.1",
    tlsVersion: TLS_VERSION,
    tlsCipher: TLS_CIPHER,
    requestPriority: "",
    edgeRequestKeepAliveStatus: 1,
  };
  if (inputs.botScore !== undefined) {
    cf["botManagement"] = { score: inputs.botScore, verifiedBot: false, corporateProxy: false, staticResource: false, detectionIds: [] };
  }
  return cf as unknown as RequestCf;
}
