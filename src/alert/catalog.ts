// The documented Defender for Key Vault alert types (learn.microsoft.com/azure/defender-for-cloud/alerts-azure-key-vault),
// and how a raw AlertType maps onto them: SIMULATED_ prefix, historical aliases, undocumented KV_* types.
import { UserError } from '../errors.js';
import type { Severity } from './types.js';
import { quote } from './values.js';

export interface CatalogEntry {
  type: string;
  displayName: string;
  severity: Severity;
  tactics: string[];
  /** Access was refused (the caller did not get in). */
  denied: boolean;
}

const entry = (type: string, displayName: string, severity: Severity, tactics: string[], denied = false) => ({
  type,
  displayName,
  severity,
  tactics,
  denied,
});

export const KV_ALERT_CATALOG: readonly CatalogEntry[] = [
  entry('KV_SuspiciousIPAccess', 'Access from a suspicious IP address to a key vault', 'Medium', ['Credential Access']),
  entry('KV_TORAccess', 'Access from a TOR exit node to a key vault', 'Medium', ['Credential Access']),
  entry('KV_OperationVolumeAnomaly', 'High volume of operations in a key vault', 'Medium', ['Credential Access']),
  entry('KV_PutGetAnomaly', 'Suspicious policy change and secret query in a key vault', 'Medium', [
    'Credential Access',
  ]),
  entry('KV_ListGetAnomaly', 'Suspicious secret listing and query in a key vault', 'Medium', ['Credential Access']),
  entry(
    'KV_AccountVolumeAccessDeniedAnomaly',
    'Unusual access denied - User accessing high volume of key vaults denied',
    'Low',
    ['Discovery'],
    true,
  ),
  entry(
    'KV_UserAccessDeniedAnomaly',
    'Unusual access denied - Unusual user accessing key vault denied',
    'Low',
    ['Initial Access', 'Discovery'],
    true,
  ),
  entry('KV_AppAnomaly', 'Unusual application accessed a key vault', 'Medium', ['Credential Access']),
  entry('KV_OperationPatternAnomaly', 'Unusual operation pattern in a key vault', 'Medium', ['Credential Access']),
  entry('KV_UserAnomaly', 'Unusual user accessed a key vault', 'Medium', ['Credential Access']),
  entry('KV_UserAppAnomaly', 'Unusual user-application pair accessed a key vault', 'Medium', ['Credential Access']),
  entry('KV_AccountVolumeAnomaly', 'User accessed high volume of key vaults', 'Medium', ['Credential Access']),
  entry(
    'KV_SuspiciousIPAccessDenied',
    'Denied access from a suspicious IP to a key vault',
    'Low',
    ['Credential Access'],
    true,
  ),
  entry(
    'KV_UnusualAccessSuspiciousIP',
    'Unusual access to the key vault from a suspicious IP (Non-Microsoft or external)',
    'Medium',
    ['Credential Access'],
  ),
];

/** Older ids from the docs' history → the current id. */
const ALIASES: Record<string, string> = {
  kv_deniedaccountvolumeanomaly: 'KV_AccountVolumeAccessDeniedAnomaly',
  kv_unusualaccessfromsuspeciousip: 'KV_UnusualAccessSuspiciousIP', // sic: the typo is the historical id
};

const byType = new Map(KV_ALERT_CATALOG.map((e) => [e.type.toLowerCase(), e]));
const byDisplayName = new Map(KV_ALERT_CATALOG.map((e) => [e.displayName.toLowerCase(), e]));

const SIMULATED_PREFIX = 'simulated_';
const TYPE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export interface AlertTypeInfo {
  /** Current id: prefix removed, alias mapped, catalog spelling when documented. */
  type: string;
  simulated: boolean;
  /** In the catalog above; an undocumented KV_* type is still accepted. */
  documented: boolean;
  entry?: CatalogEntry;
}

/** Maps a raw AlertType; a type that is not a Key Vault alert is a UserError naming it. */
export function lookupAlertType(raw: string, field: string): AlertTypeInfo {
  const text = raw.trim();
  if (!TYPE_SHAPE.test(text)) throw new UserError(`${field}: ${quote(raw)} is not an alert type`);
  const simulated = text.toLowerCase().startsWith(SIMULATED_PREFIX);
  const bare = simulated ? text.slice(SIMULATED_PREFIX.length) : text;
  const current = ALIASES[bare.toLowerCase()] ?? bare;
  const found = byType.get(current.toLowerCase());
  if (found) return { type: found.type, simulated, documented: true, entry: found };
  if (!/^kv_/i.test(current)) {
    throw new UserError(`${field}: '${text}' is not a Defender for Key Vault alert (KV_* types only)`);
  }
  return { type: current, simulated, documented: false };
}

/** The documented entry whose display name matches (case-insensitive; "[SAMPLE ALERT] " and "PREVIEW - " ignored). */
export function lookupDisplayName(displayName: string): CatalogEntry | undefined {
  const bare = displayName
    .trim()
    .replace(/^\[sample alert\]\s*/i, '')
    .replace(/^preview\s*-\s*/i, '');
  return byDisplayName.get(bare.toLowerCase());
}
