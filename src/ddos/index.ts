/**
 * The L3/L4 DDoS stage: what happens to packets before any HTTP exists. Packets are matched
 * against scrubbing rules written in a small BPF-like filter language (parsed, then compiled
 * to a predicate); a per-PoP detector counts packet signatures in a count-min sketch and writes
 * drop rules by itself; SYN cookies keep SYN floods from filling state; and the attack
 * simulation shows why anycast spreads a volumetric attack over many PoPs' capacity.
 */
export {
  type Protocol,
  type TcpFlags,
  type Packet,
  type Ipv4Prefix,
  PROTOCOLS,
  TCP_FLAG_NAMES,
  NO_FLAGS,
  parseIpv4,
  formatIpv4,
  cidrMask,
  parseIpv4Prefix,
  ipv4PrefixContains,
  formatIpv4Prefix,
  makePacket,
} from "./packet.js";
export * from "./filter-language/index.js";
export {
  type CountMinOptions,
  type HeavyHitter,
  CountMinSketch,
  SpaceSaving,
  COUNT_MIN_CELLS_MAX,
} from "./heavy-hitters.js";
export {
  type DetectorOptions,
  type MitigationRule,
  DdosDetector,
  sizeBucket,
  shapeSignature,
  sourceSignature,
} from "./detector.js";
export {
  type FourTuple,
  type AckVerdict,
  type SynCookieOptions,
  SynCookies,
  SYN_COOKIE_SLOT_MS,
  SYN_COOKIE_SLOT_AGE_MAX,
  SYN_COOKIE_MSS_TABLE,
} from "./syn-cookies.js";
export {
  type AttackScenario,
  type PopLoad,
  type AttackOutcome,
  simulateVolumetricAttack,
} from "./attack-sim.js";
