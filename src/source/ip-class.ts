// identify-source (guide step 1): where did the caller's IP come from? Every class that applies is reported —
// private or special-purpose range, a network the playbook names, a rule already in the vault firewall, a
// published Azure range — plus one line a responder can read. Pure: the Service Tags file is read elsewhere.
import { quote } from '../alert/values.js';
import { UserError } from '../errors.js';
import { cidrContains, ipRange, parseCidr, parseIp, type Cidr } from '../net/ip.js';

export type IpClass = 'private' | 'reserved' | 'playbook-network' | 'vault-allow-list' | 'azure' | 'unknown';

/** The public `ServiceTags_Public_*.json` shape (only the fields used here). */
export interface ServiceTagsFile {
  values: { name: string; properties: { addressPrefixes: string[]; region?: string; systemService?: string } }[];
}

export interface ServiceTagMatch {
  /** Tag name, e.g. `AzureCloud.westeurope`, `AzureKeyVault`. */
  name: string;
  /** The tag's most specific prefix that contains the IP. */
  prefix: string;
  region?: string;
  systemService?: string;
}

interface IndexedPrefix {
  tag: number;
  text: string;
  /** Bucket by leading address labels (`4/16:20.61`, `6/32:9731:4128`), or WIDE for a very wide range. */
  key: string;
}

/** Service Tags checked and indexed once, for any number of look-ups. */
export interface ServiceTagIndex {
  tags: { name: string; region?: string; systemService?: string }[];
  prefixes: IndexedPrefix[];
}

export interface IpClassInput {
  ip: string;
  /** Named networks from the playbook. */
  networks?: Readonly<Record<string, readonly Cidr[]>>;
  /** The vault firewall's `networkAcls.ipRules[].value` (an address or a CIDR range, as ARM returns it). */
  allowList?: readonly string[];
  /** Azure's published ranges; without them the Azure check is reported as not done. */
  serviceTags?: ServiceTagIndex;
}

export interface IpClassification {
  /** The IP in canonical form. */
  ip: string;
  /** Every class that applies, in the order of `IpClass`; exactly `['unknown']` when none does. */
  classes: IpClass[];
  /** ipaddr.js range name: `unicast` for an ordinary public address, else `private`, `reserved`, `loopback`, … */
  range: string;
  /** Playbook networks that contain the IP. */
  networks: string[];
  /** Vault firewall rules (as written in the vault) that already allow the IP. */
  allowListRules: string[];
  /** Azure service tags that contain the IP, most specific prefix first. */
  serviceTags: ServiceTagMatch[];
  /** False when no Service Tags data was given, so "not Azure" was not established. */
  azureChecked: boolean;
  /** One line for the issue and the log. */
  explanation: string;
}

// Ranges that never reach a vault from the public internet: the caller came through a private network.
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat']);

const FILE_SHAPE = 'expected {"values": [{"name": …, "properties": {"addressPrefixes": […]}}]}';
const PREFIX_SHAPE = /^(?:(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}\/\d{1,2}|[0-9A-Fa-f:]{2,39}\/\d{1,3})$/;
const WIDE = '*';

// The file holds well over a hundred thousand prefixes and parsing one costs tens of microseconds, so prefixes are bucketed by their leading labels with string operations (IPv4: first one or
// two octets; IPv6: first one or two hextets, as far as the prefix length covers them), and a look-up parses
// only the buckets the IP falls in.
function bucketKey(address: string, bits: number): string {
  if (!address.includes(':')) {
    const [o1, o2] = address.split('.').map((o) => parseInt(o, 10));
    if (bits >= 16) return `4/16:${o1}.${o2}`;
    return bits >= 8 ? `4/8:${o1}` : WIDE;
  }
  const groups = address.startsWith(':') ? [] : address.split(':'); // leading "::": rare, always scanned
  if (groups.length === 0) return WIDE;
  const [h1, h2] = [parseInt(groups[0]!, 16), parseInt(groups[1] || '0', 16)];
  if (bits >= 32) return `6/32:${h1}:${h2}`;
  return bits >= 16 ? `6/16:${h1}` : WIDE;
}

function lookupKeys(ip: string): Set<string> {
  const full = ip.includes(':') ? 128 : 32;
  return new Set([bucketKey(ip, full), bucketKey(ip, full === 32 ? 8 : 16), WIDE]);
}

/** Checks the Service Tags JSON and indexes its prefixes; a malformed entry or prefix is a UserError. */
export function indexServiceTags(json: unknown): ServiceTagIndex {
  const values = (json as { values?: unknown } | null)?.values;
  if (!Array.isArray(values)) throw new UserError(`Service Tags file: no "values" array; ${FILE_SHAPE}`);
  const index: ServiceTagIndex = { tags: [], prefixes: [] };
  values.forEach((value: unknown, i) => {
    const entry = value as { name?: unknown; properties?: Record<string, unknown> } | null;
    const name = entry?.name;
    const prefixes = entry?.properties?.addressPrefixes;
    if (typeof name !== 'string' || !Array.isArray(prefixes)) {
      throw new UserError(`Service Tags file: values[${i}] has no name or no addressPrefixes; ${FILE_SHAPE}`);
    }
    const { region, systemService } = entry?.properties ?? {};
    const tag = index.tags.length;
    index.tags.push({
      name,
      ...(typeof region === 'string' && region !== '' ? { region } : {}),
      ...(typeof systemService === 'string' && systemService !== '' ? { systemService } : {}),
    });
    for (const text of prefixes) {
      if (typeof text !== 'string' || !PREFIX_SHAPE.test(text)) throw badPrefix(name, text);
      const [address, bitsText] = text.split('/') as [string, string];
      const bits = Number(bitsText);
      if (bits > (address.includes(':') ? 128 : 32)) throw badPrefix(name, text);
      index.prefixes.push({ tag, text, key: bucketKey(address, bits) });
    }
  });
  return index;
}

function badPrefix(tag: string, text: unknown): UserError {
  return new UserError(`Service Tags file: ${tag} has a prefix ${quote(text)} that is not a CIDR range`);
}

function serviceTagMatches(ip: string, index: ServiceTagIndex): ServiceTagMatch[] {
  const keys = lookupKeys(ip);
  const best = new Map<number, { prefix: IndexedPrefix; bits: number }>();
  for (const p of index.prefixes) {
    if (!keys.has(p.key)) continue;
    const cidr = parseCidr(p.text);
    if (!cidr) throw badPrefix(index.tags[p.tag]!.name, p.text);
    if (!cidrContains(cidr, ip)) continue;
    const seen = best.get(p.tag);
    if (!seen || cidr.prefix > seen.bits) best.set(p.tag, { prefix: p, bits: cidr.prefix });
  }
  return [...best.values()]
    .sort((a, b) => b.bits - a.bits || index.tags[a.prefix.tag]!.name.localeCompare(index.tags[b.prefix.tag]!.name))
    .map(({ prefix }) => ({ ...index.tags[prefix.tag]!, prefix: prefix.text }));
}

/** Classifies a caller IP. An input that is not an IP address is a UserError. */
export function classifyIp(input: IpClassInput): IpClassification {
  const ip = parseIp(input.ip);
  if (!ip) throw new UserError(`identify-source: caller IP ${quote(input.ip)} is not an IP address`);
  const range = ipRange(ip);
  const networks = Object.entries(input.networks ?? {})
    .filter(([, cidrs]) => cidrs.some((c) => cidrContains(c, ip)))
    .map(([name]) => name);
  const allowListRules = (input.allowList ?? []).filter((rule) => {
    const cidr = parseCidr(rule);
    return cidr !== undefined && cidrContains(cidr, ip);
  });
  const serviceTags = input.serviceTags ? serviceTagMatches(ip, input.serviceTags) : [];

  const classes: IpClass[] = [];
  if (PRIVATE_RANGES.has(range)) classes.push('private');
  else if (range !== 'unicast') classes.push('reserved');
  if (networks.length > 0) classes.push('playbook-network');
  if (allowListRules.length > 0) classes.push('vault-allow-list');
  if (serviceTags.length > 0) classes.push('azure');
  if (classes.length === 0) classes.push('unknown');

  const azureChecked = input.serviceTags !== undefined;
  const result = { ip, classes, range, networks, allowListRules, serviceTags, azureChecked };
  return { ...result, explanation: explain(result) };
}

function explain(c: Omit<IpClassification, 'explanation'>): string {
  const parts: string[] = [];
  if (c.classes.includes('private')) {
    const kind = c.range === 'private' ? '' : ` (${c.range})`;
    parts.push(`a private address${kind}: the request came through a private network, VNet or private endpoint`);
  }
  if (c.classes.includes('reserved')) {
    parts.push(`in a special-purpose range (${c.range}) that is not routed on the public internet`);
  }
  if (c.networks.length > 0) parts.push(`in playbook network ${c.networks.join(', ')}`);
  if (c.allowListRules.length > 0) parts.push(`already allowed by vault firewall rule ${c.allowListRules.join(', ')}`);
  if (c.serviceTags.length > 0) {
    const tags = c.serviceTags.slice(0, 3).map((t) => `${t.name} (${t.prefix})`);
    const more = c.serviceTags.length > 3 ? ` and ${c.serviceTags.length - 3} more` : '';
    parts.push(
      `in Azure range ${tags.join(', ')}${more} — a Microsoft/Azure address does not make the caller yours: ` +
        'anyone can run code in Azure, so it can still be an outside attacker',
    );
  }
  if (c.classes.includes('unknown')) {
    const azure = c.azureChecked ? 'in no Azure service tag' : 'Azure ranges not checked (no Service Tags file)';
    parts.push(
      `a public address in no playbook network, not in the vault firewall allow-list, ${azure}: unknown source`,
    );
  }
  const familiar =
    c.networks.length > 0 || c.allowListRules.length > 0
      ? '; a familiar network is no proof of a legitimate caller: confirm with its owner'
      : '';
  return `${c.ip} is ${parts.join('; ')}${familiar}.`;
}
