/**
 * The network stage: how a client's packets find a PoP at all. An AS-level Internet is
 * generated from the PoP and client datasets, BGP (RFC 4271 best-path selection under
 * Gao-Rexford policies) propagates the edge's anycast prefix, and each eyeball network's
 * choice yields the catchment of every PoP. The TLS 1.3 model then prices the handshake:
 * round trips to the first byte, resumption, and replay-safe 0-RTT.
 */
export { type OriginType, type RouteCandidate, compareRoutes, selectBest } from "./best-path.js";
export {
  type AsKind,
  type Relationship,
  type AsNode,
  type Neighbour,
  type AsGraph,
  type AsGraphOptions,
  AsGraphBuilder,
  generateAsGraph,
  EDGE_ASN,
  IXP_REACH_KM_MAX,
} from "./as-graph.js";
export { type BgpRoute, type RunOptions, BgpNetwork, LOCAL_PREF } from "./propagation.js";
export { isValleyFree } from "./valley-free.js";
export {
  type CatchmentEntry,
  type LatencySummary,
  AnycastNetwork,
  ANYCAST_PREFIX,
  edgeNodeOf,
  nearestPopByGeography,
  catchmentLatency,
} from "./anycast.js";
export {
  type Transport,
  type AntiReplay,
  type SessionTicket,
  type ClientHello,
  type EarlyDataRejection,
  type HandshakeOutcome,
  type TlsServerOptions,
  type FirstByteTimeline,
  TlsServer,
  timeToFirstByte,
  TLS_TICKET_LIFETIME_MS_MAX,
  ZERO_RTT_REPLAY_WINDOW_MS_DEFAULT,
  EARLY_DATA_METHODS,
} from "./tls.js";
