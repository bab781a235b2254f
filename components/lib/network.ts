/**
 * IP addresses, CIDR blocks and gateway addresses, checked exactly with `node:net` (no hand-written IP regexes):
 * the {@link Check}s components share, which addresses a Kubernetes Service can get as its cluster IP, and the
 * registry endpoint form of an address (`[v6]`). The one home of address checks in the package.
 */
import * as net from "node:net";
import type { Check } from "./validation";

/** The reason `value` is not an IPv4 or IPv6 address, or undefined when it is one. */
export const ipAddressProblem: Check<string> = (value) =>
  net.isIP(value) === 0 ? `"${value}" is not an IPv4 or IPv6 address (e.g. 10.0.0.100 or fd00::100).` : undefined;

/** A parsed CIDR block, e.g. `10.0.0.0/16`. */
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

/** True when `address` lies inside the block (false for a different address family). */
function blockContains(block: Cidr, address: string): boolean {
  const list = new net.BlockList();
  list.addSubnet(block.address, block.prefix, block.family);
  return net.isIP(address) === (block.family === "ipv4" ? 4 : 6) && list.check(address, block.family);
}

/** True when `address` lies inside `cidr` (false for a different address family or invalid input). */
export function cidrContains(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  return block !== undefined && blockContains(block, address);
}

/** The 128-bit (or 32-bit) value of an address `net.isIP` accepts. */
function toBigInt(address: string): bigint {
  if (net.isIPv4(address)) {
    return address.split(".").reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
  }
  // Expand `::` and an embedded IPv4 tail into eight 16-bit groups.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/**
 * Ranges no Service cluster IP can be in (unspecified, link-local, multicast, limited broadcast). Loopback is not
 * refused: a lab cluster (and this package's end-to-end tests) may serve the registry on 127.0.0.0/8.
 */
const RESERVED: [Cidr, string][] = [
  [{ address: "0.0.0.0", prefix: 8, family: "ipv4" }, 'the unspecified/"this network" range 0.0.0.0/8'],
  [{ address: "169.254.0.0", prefix: 16, family: "ipv4" }, "link-local (169.254.0.0/16)"],
  [{ address: "224.0.0.0", prefix: 4, family: "ipv4" }, "multicast (224.0.0.0/4)"],
  [{ address: "255.255.255.255", prefix: 32, family: "ipv4" }, "the limited broadcast address"],
  [{ address: "::", prefix: 128, family: "ipv6" }, "the unspecified address"],
  [{ address: "fe80::", prefix: 10, family: "ipv6" }, "link-local (fe80::/10)"],
  [{ address: "ff00::", prefix: 8, family: "ipv6" }, "multicast (ff00::/8)"],
];

/**
 * The reason `ip` cannot be a Service cluster IP, or `undefined`. Refuses what is not an address, zone-scoped
 * IPv6 (`fe80::1%eth0`), unspecified, link-local and multicast addresses, and — when the service CIDR is known —
 * addresses outside it, its network address, and (IPv4) its broadcast address: the Kubernetes IP allocator never
 * hands those out, so the extension would wait and fail. Without a CIDR, `10.0.0.0` or `10.0.0.255` may be
 * ordinary addresses of a wider block and are accepted.
 */
export function clusterIPProblem(ip: string, cidr?: string): string | undefined {
  if (ip.includes("%")) {
    return `"${ip}" is zone-scoped ("%<zone>"); a Service cluster IP is a plain IPv4 or IPv6 address (e.g. 10.0.0.100 or fd00::100).`;
  }
  const notAnAddress = ipAddressProblem(ip);
  if (notAnAddress !== undefined) {
    return notAnAddress;
  }
  const reserved = RESERVED.find(([block]) => blockContains(block, ip));
  if (reserved !== undefined) {
    return `${ip} is ${reserved[1]}, never a Service cluster IP; pick a free address inside the cluster's service CIDR.`;
  }
  const block = cidr === undefined ? undefined : parseCidr(cidr);
  if (block === undefined) {
    return undefined;
  }
  if (!blockContains(block, ip)) {
    return `${ip} is outside the service CIDR ${cidr} (serviceCidr); pick a free address inside it, or the extension fails with 422 after a long wait.`;
  }
  const hostBits = BigInt((block.family === "ipv4" ? 32 : 128) - block.prefix);
  const value = toBigInt(ip);
  const network = (toBigInt(block.address) >> hostBits) << hostBits;
  const broadcast = network | ((1n << hostBits) - 1n);
  if (hostBits >= 2n && value === network) {
    return `${ip} is the network address of ${cidr} (serviceCidr), which Kubernetes never allocates; pick an address inside the block.`;
  }
  if (block.family === "ipv4" && hostBits >= 2n && value === broadcast) {
    return `${ip} is the broadcast address of ${cidr} (serviceCidr), which Kubernetes never allocates; pick an address inside the block.`;
  }
  return undefined;
}

/** An address as a registry host: IPv6 in brackets (`[fd00::100]`), anything else unchanged. */
export function registryEndpointOf(address: string): string {
  return net.isIPv6(address) ? `[${address}]` : address;
}

/** `host` or `host:port` (IPv6 in brackets), without scheme or path: where a child reaches its parent registry. */
export const gatewayEndpointProblem: Check<string> = (value) =>
  /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(?::\d{1,5})?$/.test(value) && value !== ""
    ? undefined
    : `"${value}" is not a gateway address; give the parent's host or host:port (e.g. its service cluster IP 192.100.100.1), without scheme or path.`;
