/**
 * Exact address checks with `node:net` (no hand-written IP regexes): which addresses a Kubernetes Service can
 * get as its cluster IP, and the registry endpoint form of an address (`[v6]`).
 */
import * as net from "node:net";
import { parseCidr } from "./network";

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
const RESERVED: [string, number, "ipv4" | "ipv6", string][] = [
  ["0.0.0.0", 8, "ipv4", 'the unspecified/"this network" range 0.0.0.0/8'],
  ["169.254.0.0", 16, "ipv4", "link-local (169.254.0.0/16)"],
  ["224.0.0.0", 4, "ipv4", "multicast (224.0.0.0/4)"],
  ["255.255.255.255", 32, "ipv4", "the limited broadcast address"],
  ["::", 128, "ipv6", "the unspecified address"],
  ["fe80::", 10, "ipv6", "link-local (fe80::/10)"],
  ["ff00::", 8, "ipv6", "multicast (ff00::/8)"],
];

/**
 * The reason `ip` cannot be a Service cluster IP, or `undefined`. Refuses what is not an address, zone-scoped
 * IPv6 (`fe80::1%eth0`), unspecified, link-local and multicast addresses, and — when the service CIDR is known — addresses outside it, its
 * network address, and (IPv4) its broadcast address: the Kubernetes IP allocator never hands those out, so the
 * extension would wait and fail. Without a CIDR, `10.0.0.0` or `10.0.0.255` may be ordinary addresses of a wider
 * block and are accepted.
 */
export function clusterIPProblem(ip: string, cidr?: string): string | undefined {
  if (ip.includes("%")) {
    return `"${ip}" is zone-scoped ("%<zone>"); a Service cluster IP is a plain IPv4 or IPv6 address (e.g. 10.0.0.100 or fd00::100).`;
  }
  const family = net.isIP(ip);
  if (family === 0) {
    return `"${ip}" is not an IPv4 or IPv6 address (e.g. 10.0.0.100 or fd00::100).`;
  }
  const kind = family === 4 ? "ipv4" : "ipv6";
  for (const [address, prefix, rangeKind, what] of RESERVED) {
    const list = new net.BlockList();
    list.addSubnet(address, prefix, rangeKind);
    if (rangeKind === kind && list.check(ip, kind)) {
      return `${ip} is ${what}, never a Service cluster IP; pick a free address inside the cluster's service CIDR.`;
    }
  }
  const block = cidr === undefined ? undefined : parseCidr(cidr);
  if (block === undefined) {
    return undefined;
  }
  const list = new net.BlockList();
  list.addSubnet(block.address, block.prefix, block.family);
  if (block.family !== kind || !list.check(ip, kind)) {
    return `${ip} is outside the service CIDR ${cidr} (serviceCidr); pick a free address inside it, or the extension fails with 422 after a long wait.`;
  }
  const bits = kind === "ipv4" ? 32 : 128;
  const hostBits = BigInt(bits - block.prefix);
  const value = toBigInt(ip);
  const network = (toBigInt(block.address) >> hostBits) << hostBits;
  const broadcast = network | ((1n << hostBits) - 1n);
  if (hostBits >= 2n && value === network) {
    return `${ip} is the network address of ${cidr} (serviceCidr), which Kubernetes never allocates; pick an address inside the block.`;
  }
  if (kind === "ipv4" && hostBits >= 2n && value === broadcast) {
    return `${ip} is the broadcast address of ${cidr} (serviceCidr), which Kubernetes never allocates; pick an address inside the block.`;
  }
  return undefined;
}

/** An address as a registry host: IPv6 in brackets (`[fd00::100]`), anything else unchanged. */
export function registryEndpointOf(address: string): string {
  return net.isIPv6(address) ? `[${address}]` : address;
}
