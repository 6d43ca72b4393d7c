// Plans the vault firewall end state (Key Vault network ACLs are an allow-list; PATCH replaces them whole).
// Pure: the caller supplies the current rules, the playbook's allowed ranges and the vault's recent callers.
import { cidrContains, formatCidr, parseCidr, type Cidr } from '../net/ip.js';

export interface NetworkRules {
  defaultAction: 'Allow' | 'Deny';
  bypass: 'AzureServices' | 'None';
  /** ipRules values as the vault holds them ("a.b.c.d" or "a.b.c.d/n"). */
  ipRules: string[];
  /** Subnet resource ids. */
  virtualNetworkRules: string[];
}

export interface RecentCaller {
  ip: string;
  count: number;
  lastSeen: string;
}

export interface FirewallInputs {
  current: NetworkRules;
  /** The alert's caller IP; never allowed, and removed from existing rules when listed alone. */
  suspiciousIp?: string;
  /** Ranges from the step's `allow` (playbook networks and CIDRs), resolved. */
  allow: Cidr[];
  /** Callers of the vault over the look-back window, other than the alert's caller. */
  recentCallers: RecentCaller[];
  /** Add each recent caller's address as a /32 so the change cuts off nobody who used the vault. */
  keepKnownCallers: boolean;
  bypass?: NetworkRules['bypass'];
}

export interface FirewallPlan {
  after: NetworkRules;
  added: string[];
  removed: string[];
  /** Recent callers the new rules would cut off: the lock-out guard a reviewer must read. */
  lockedOut: RecentCaller[];
  /** Ranges that cannot be expressed as Key Vault IP rules, with the reason. */
  skipped: { value: string; reason: string }[];
}

/** Key Vault IP rules take IPv4 addresses and ranges only. */
function ruleValue(cidr: Cidr): string {
  return cidr.prefix === 32 ? cidr.address : formatCidr(cidr);
}

function covers(rules: Cidr[], ip: string): boolean {
  return rules.some((rule) => cidrContains(rule, ip));
}

export function planFirewall(inputs: FirewallInputs): FirewallPlan {
  const { current, suspiciousIp } = inputs;
  const skipped: FirewallPlan['skipped'] = [];
  const kept: string[] = [];
  const removed: string[] = [];
  for (const value of current.ipRules) {
    const cidr = parseCidr(value);
    // A rule that admits exactly the suspicious caller goes; wider ranges stay (they are someone's network).
    if (cidr && suspiciousIp && cidr.prefix === 32 && cidrContains(cidr, suspiciousIp)) removed.push(value);
    else kept.push(value);
  }
  const keptCidrs = kept.map((v) => parseCidr(v)).filter((c): c is Cidr => c !== undefined);

  const wanted: Cidr[] = [...inputs.allow];
  if (inputs.keepKnownCallers) {
    for (const caller of inputs.recentCallers) {
      const cidr = parseCidr(caller.ip);
      if (cidr) wanted.push(cidr);
    }
  }

  const added: string[] = [];
  const finalCidrs = [...keptCidrs];
  for (const cidr of wanted) {
    const value = ruleValue(cidr);
    if (cidr.kind !== 'ipv4') {
      skipped.push({ value: formatCidr(cidr), reason: 'Key Vault firewall rules accept IPv4 only' });
      continue;
    }
    if (suspiciousIp && cidrContains(cidr, suspiciousIp)) {
      skipped.push({ value, reason: 'contains the suspicious caller address' });
      continue;
    }
    if (finalCidrs.some((rule) => cidrContains(rule, cidr.address) && rule.prefix <= cidr.prefix)) continue;
    finalCidrs.push(cidr);
    added.push(value);
  }

  const after: NetworkRules = {
    defaultAction: 'Deny',
    bypass: inputs.bypass ?? current.bypass,
    ipRules: [...kept, ...added],
    virtualNetworkRules: [...current.virtualNetworkRules],
  };
  const lockedOut = inputs.recentCallers.filter((caller) => !covers(finalCidrs, caller.ip));
  return { after, added, removed, lockedOut, skipped };
}
