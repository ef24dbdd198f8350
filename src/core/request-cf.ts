/**
 * `request.cf`: what the edge knows about an incoming request and hands to the Worker, with
 * the names and types Cloudflare uses (`IncomingRequestCfProperties` in
 * @cloudflare/workers-types). Geography and the AS are the client's; `colo` is the PoP that
 * answered. Latitude and longitude are strings, as on Cloudflare.
 */
export interface RequestCf {
  readonly colo: string;
  readonly country?: string;
  readonly isEUCountry?: "1";
  readonly city?: string;
  readonly continent?: string;
  readonly latitude?: string;
  readonly longitude?: string;
  readonly timezone?: string;
  readonly asn?: number;
  readonly asOrganization?: string;
  /** Round trip between the client and the PoP, in whole milliseconds (modelled here). */
  readonly clientTcpRtt?: number;
  readonly clientAcceptEncoding?: string;
  readonly httpProtocol?: string;
  readonly tlsVersion?: string;
  readonly tlsCipher?: string;
  readonly requestPriority?: string;
  readonly edgeRequestKeepAliveStatus?: number;
  readonly botManagement?: {
    readonly score: number;
    readonly verifiedBot: boolean;
    readonly corporateProxy: boolean;
    readonly staticResource: boolean;
    readonly detectionIds: readonly number[];
  };
}
