/** IP address and CIDR checks (IPv4 and IPv6) shared by components, as {@link Check}s. */
import * as net from "node:net";
import type { Check } from "./validation";

/** The reason `value` is not an IPv4 or IPv6 address, or undefined when it is one. */
export const ipAddressProblem: Check<string> = (value) =>
  net.isIP(value) === 0 ? `"${value}" is not an IPv4 or IPv6 address (e.g. 10.0.0.100 or fd00::100).` : undefined;

/** A parsed CIDR block, e.g. `10.0.0.0/16`. */
/** A parsed CIDR block. */
export interface Cidr {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** A CIDR block `address/prefix` (no zone id), or `undefined`. */
export function parseCidr(value: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value.trim());
  const version = match && !match[1].includes("%") ? net.isIP(match[1]) : 0;
  if (!match || version === 0) {
    return undefined;
  }
  const prefix = Number(match[2]);
  return prefix <= (version === 4 ? 32 : 128)
    ? { address: match[1], prefix, family: version === 4 ? "ipv4" : "ipv6" }
    : undefined;
}

/** The reason `value` is not a CIDR block, or undefined when it is one. */
export const cidrProblem: Check<string> = (value) =>
  parseCidr(value)
    ? undefined
    : `"${value}" is not a CIDR block; use <address>/<prefix length>, e.g. 10.0.0.0/16 or fd00::/108.`;

/** True when `address` lies inside `cidr` (false for a different address family or invalid input). */
export function cidrContains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  const version = net.isIP(address);
  if (!block || version !== (block.family === "ipv4" ? 4 : 6)) {
    return false;
  }
  const list = new net.BlockList();
  list.addSubnet(block.address, block.prefix, block.family);
  return list.check(address, block.family);
}
