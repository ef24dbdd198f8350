/** The WAF reads addresses by the platform's one IP module (IPv4 mapped into 16 bytes). */
export { cidrContains, parseCidr, parseIp, type Cidr, type IpBytes } from "../core/ip-address.js";
