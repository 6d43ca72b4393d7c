// Comparisons the remediate gate and rollback make between the vault now, the plan's snapshot and the planned
// end state. Pure. IP rules compare as sets with "/32" and a bare address the same; ids case-insensitively.
import type { AccessPolicyEntry } from '../findings/types.js';
import type { NetworkRules } from '../plan/firewall.js';

/** One field that differs, for the drift report a reviewer reads (snapshot / now / planned). */
export interface FieldDiff {
  field: string;
  snapshot: string;
  now: string;
  planned: string;
}

const ipKey = (value: string) => value.trim().replace(/\/32$/, '');
const setOf = (values: readonly string[], key: (v: string) => string) => [...new Set(values.map(key))].sort();
const sameSet = (a: readonly string[], b: readonly string[], key: (v: string) => string) =>
  setOf(a, key).join('\n') === setOf(b, key).join('\n');
const lower = (v: string) => v.toLowerCase();

function rulesFields(r: NetworkRules): Record<string, string> {
  return {
    defaultAction: r.defaultAction,
    bypass: r.bypass,
    ipRules: setOf(r.ipRules, ipKey).join(', ') || '(none)',
    virtualNetworkRules: setOf(r.virtualNetworkRules, lower).join(', ') || '(none)',
  };
}

export function sameNetworkRules(a: NetworkRules, b: NetworkRules): boolean {
  return (
    a.defaultAction === b.defaultAction &&
    a.bypass === b.bypass &&
    sameSet(a.ipRules, b.ipRules, ipKey) &&
    sameSet(a.virtualNetworkRules, b.virtualNetworkRules, lower)
  );
}

/** The fields where `now` differs from `reference`, shown with all three states. */
export function networkRulesDiff(
  snapshot: NetworkRules,
  now: NetworkRules,
  planned: NetworkRules,
  reference: NetworkRules,
): FieldDiff[] {
  const [s, n, p, r] = [snapshot, now, planned, reference].map(rulesFields) as [
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
  ];
  return Object.keys(n)
    .filter((field) => n[field] !== r[field])
    .map((field) => ({ field: `networkAcls.${field}`, snapshot: s[field]!, now: n[field]!, planned: p[field]! }));
}

/** One line per side of a network rule set, for before/after records. */
export function describeNetworkRules(r: NetworkRules): string {
  const f = rulesFields(r);
  return `defaultAction ${f.defaultAction}, bypass ${f.bypass}, ipRules ${f.ipRules}, virtualNetworkRules ${f.virtualNetworkRules}`;
}

const AREAS = ['keys', 'secrets', 'certificates', 'storage'] as const;

/** Same principal (object id, application id) and the same permissions in every area. */
export function sameAccessEntry(a: AccessPolicyEntry | null, b: AccessPolicyEntry | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    lower(a.objectId) === lower(b.objectId) &&
    lower(a.applicationId ?? '') === lower(b.applicationId ?? '') &&
    AREAS.every((area) => sameSet(a.permissions[area], b.permissions[area], lower))
  );
}

export function describeAccessEntry(e: AccessPolicyEntry | null): string {
  if (e === null) return 'no access-policy entry';
  const parts = AREAS.filter((area) => e.permissions[area].length > 0).map(
    (area) => `${area}: ${setOf(e.permissions[area], lower).join(' ')}`,
  );
  return parts.length ? parts.join('; ') : 'an entry without permissions';
}

/** The principal's entry among a vault's access policies (matching the application id of a compound identity). */
export function findAccessEntry(
  entries: readonly AccessPolicyEntry[],
  objectId: string,
  applicationId: string | undefined,
): AccessPolicyEntry | null {
  return (
    entries.find(
      (e) => lower(e.objectId) === lower(objectId) && lower(e.applicationId ?? '') === lower(applicationId ?? ''),
    ) ?? null
  );
}
