// IP addresses and CIDR ranges, parsed strictly with ipaddr.js (no hand-written regexes).
// Shared by alert intake (source IP), playbook conditions (in-network) and firewall planning.
import ipaddr from 'ipaddr.js';

export type IpKind = 'ipv4' | 'ipv6';

export interface Cidr {
  kind: IpKind;
  /** Canonical network address (host bits as given). */
  address: string;
  prefix: number;
}

function narrow(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  // An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 caller the vault saw.
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/**
 * Parses one IPv4 (dotted quad, decimal, no leading zeros) or IPv6 address and returns its canonical text,
 * or undefined when it is not exactly an address (ranges, zones, octal look-alikes such as 010.1.1.1 are refused).
 */
export function parseIp(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 45 || t.includes('%')) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) {
    if (t.split('.').some((part) => part.length > 1 && part.startsWith('0'))) return undefined;
    return ipaddr.IPv4.parse(t).toString();
  }
  if (t.includes(':') && ipaddr.IPv6.isValid(t)) return narrow(ipaddr.IPv6.parse(t)).toString();
  return undefined;
}

/** Parses `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128). Undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addressText = slash < 0 ? t : t.slice(0, slash);
  const address = parseIp(addressText);
  if (!address) return undefined;
  const kind: IpKind = address.includes(':') ? 'ipv6' : 'ipv4';
  const max = kind === 'ipv4' ? 32 : 128;
  if (slash < 0) return { kind, address, prefix: max };
  const prefixText = t.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  // A mapped IPv6 range like ::ffff:1.2.3.0/120 narrowed to IPv4 keeps its IPv4 prefix length.
  const adjusted = kind === 'ipv4' && addressText.includes(':') ? prefix - 96 : prefix;
  if (adjusted < 0 || adjusted > max) return undefined;
  return { kind, address, prefix: adjusted };
}

export function formatCidr(cidr: Cidr): string {
  return `${cidr.address}/${cidr.prefix}`;
}

/** True when the address (canonical or not) lies in the range. Addresses of the other family never match. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const canonical = parseIp(ip);
  if (!canonical) return false;
  const addr = ipaddr.parse(canonical);
  if (addr.kind() !== cidr.kind) return false;
  return addr.match(ipaddr.parse(cidr.address), cidr.prefix);
}

/** ipaddr.js range name ('private', 'loopback', 'linkLocal', 'unicast', …) of a canonical address. */
export function ipRange(ip: string): string {
  const canonical = parseIp(ip);
  if (!canonical) throw new Error(`not an IP address: ${ip}`);
  return ipaddr.parse(canonical).range();
}
