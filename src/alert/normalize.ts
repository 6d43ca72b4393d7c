// Any Defender for Key Vault alert form → the Alert contract, with warnings for every value dropped or guessed.
// Pure. Structural problems (no id, no vault, wrong types, not a Key Vault alert) are UserErrors: never a partial
// alert. A source value that fails its strict check (IP, GUID, UPN, URL) is dropped with a warning, never used.
//
// Where several places give one field, the first valid one wins (a later, different valid value is a warning):
//
//   field             precedence
//   id                SystemAlertId | REST name | Log Analytics VendorOriginalId (Defender's id; Sentinel's
//                     SystemAlertId is its own) | Activity Log resourceId's alert name
//   type              AlertType | Activity Log display name looked up in the catalog
//   startTime/endTime StartTimeUtc/EndTimeUtc (StartTime/EndTime) > ExtendedProperties "Start/End Time UTC"
//                     > Activity Log eventTimestamp; no end → the start time (warning)
//   severity          Severity (AlertSeverity, ReportedSeverity) > the catalog's, for a documented type (warning)
//   status            Status (Activity Log status.value) > "Unknown": we do not assume a lifecycle state
//   vault             AzureResourceId (Log Analytics ResourceId) > ResourceIdentifiers[Type=AzureResource]
//                     > azure-resource entity ResourceId > ExtendedProperties EffectiveAzureResourceId
//                     > CompromisedEntity placed in the alert's own subscription/resource group (warning)
//   source.ip         ExtendedProperties "Attacker IP Address" > "Client IP address" > ip entity Address
//   source.objectId   "Attacker Object ID" > account entity AadUserId
//   source.upn        "Client principal name" > other keys naming a principal name/UPN > account Name(+UPNSuffix)
//   source.appId      "Application ID"
//   source.tenantId   ResourceIdentifiers[Type=AAD].AadTenantId > account entity AadTenantId
//   source.userAgent  "Client Information"
//   operations        "Suspicious Operations" ([Name:count, …])
//   targets           "Target"
import { UserError } from '../errors.js';
import { parseIp } from '../net/ip.js';
import { lookupAlertType, lookupDisplayName, type AlertTypeInfo } from './catalog.js';
import { accountUpn, readEntities, type AlertEntities } from './entities.js';
import { checkTarget, parseOperations, splitTargets } from './extended.js';
import { Fields, isObject, typeName } from './fields.js';
import { readForm, type AlertView, type Field } from './forms.js';
import { checkPayload } from './payload.js';
import { buildVault, parseVaultResourceId } from './resource-id.js';
import { SEVERITIES, type Alert, type AlertSource, type AlertVault, type Severity } from './types.js';
import { checkGuid, checkUpn, cleanText, isGuid, parseIsoTime, parseUsTime, quote, type Checked } from './values.js';

export interface NormalizedAlert {
  alert: Alert;
  /** One line each: values dropped, guessed or conflicting. */
  warnings: string[];
  /** The type is in the documented catalog (an undocumented KV_* type is accepted with a warning). */
  documented: boolean;
}

const MAX_DISPLAY_NAME = 512;
const MAX_STATUS = 64;
const MAX_USER_AGENT = 1024;
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/;
const SAMPLE_PREFIX = /^\[sample alert\]/i;

interface Candidate {
  from: string;
  value: unknown;
}

/** Picks the first candidate that passes `check`; warns about invalid ones and about valid ones that disagree. */
function pick(
  field: string,
  candidates: Candidate[],
  check: (text: string) => Checked,
  warnings: string[],
): string | undefined {
  let chosen: { value: string; from: string } | undefined;
  for (const { from, value } of candidates) {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') {
      warnings.push(`${field}: dropped ${from}: expected text, got ${typeName(value)}`);
      continue;
    }
    if (text.trim() === '') continue;
    const checked = check(text);
    if (!checked.ok) {
      warnings.push(`${field}: dropped ${quote(text)} from ${from}: ${checked.reason}`);
    } else if (!chosen) {
      chosen = { value: checked.value, from };
    } else if (chosen.value.toLowerCase() !== checked.value.toLowerCase()) {
      warnings.push(
        `${field}: ${from} gives ${quote(checked.value)}; using ${quote(chosen.value)} from ${chosen.from}`,
      );
    }
  }
  return chosen?.value;
}

const ip = (text: string): Checked => {
  const value = parseIp(text);
  return value ? { ok: true, value } : { ok: false, reason: 'not a valid IP address' };
};

function extCandidates(ext: Fields | undefined, ...names: string[]): Candidate[] {
  if (!ext) return [];
  return names.flatMap((name) => {
    const hit = ext.entry(name);
    return hit ? [{ from: hit.name, value: hit.value }] : [];
  });
}

function resourceIdentifiers(view: AlertView, type: string, key: string): Candidate[] {
  return (view.resourceIdentifiers?.value ?? []).flatMap((item, index) => {
    if (!isObject(item)) return [];
    const fields = new Fields(item, `${view.resourceIdentifiers!.name}[${index}]`);
    const kind = fields.entry('Type');
    if (typeof kind?.value !== 'string' || kind.value.toLowerCase() !== type.toLowerCase()) return [];
    const hit = fields.entry(key);
    return hit ? [{ from: hit.name, value: hit.value }] : [];
  });
}

function resolveType(view: AlertView): AlertTypeInfo {
  if (view.type) return lookupAlertType(view.type.value, view.type.name);
  if (view.typeFromDisplayName) {
    const { name, value } = view.typeFromDisplayName;
    const entry = lookupDisplayName(value);
    if (!entry) {
      throw new UserError(
        `${name}: ${quote(value)} is not a Defender for Key Vault alert (no AlertType, and the name is not a documented KV_* alert)`,
      );
    }
    return { type: entry.type, simulated: SAMPLE_PREFIX.test(value.trim()), documented: true, entry };
  }
  throw new UserError('alert: no AlertType; not a Defender for Cloud alert');
}

function resolveId(view: AlertView): string {
  if (!view.id) throw new UserError('alert: no alert id (SystemAlertId)');
  const id = view.id.value.trim();
  if (!ALERT_ID.test(id)) {
    throw new UserError(`${view.id.name}: ${quote(view.id.value)} is not an alert id (letters, digits, '_', '-', '.')`);
  }
  return id;
}

function resolveSeverity(view: AlertView, info: AlertTypeInfo, warnings: string[]): Severity {
  if (view.severity) {
    const found = SEVERITIES.find((s) => s.toLowerCase() === view.severity!.value.trim().toLowerCase());
    if (!found) {
      throw new UserError(
        `${view.severity.name}: ${quote(view.severity.value)} is not one of ${SEVERITIES.join(', ')}`,
      );
    }
    return found;
  }
  if (!info.entry) throw new UserError('alert: no Severity');
  warnings.push(`severity: the alert has none; using the documented ${info.entry.severity}`);
  return info.entry.severity;
}

function resolveTimes(view: AlertView, warnings: string[]): { startTime: string; endTime: string } {
  const declared = (field: Field | undefined): string | undefined => {
    if (!field) return undefined;
    const value = parseIsoTime(field.value);
    if (!value) throw new UserError(`${field.name}: ${quote(field.value)} is not an ISO 8601 time`);
    return value;
  };
  const extended = (name: string): string | undefined => {
    const hit = view.extendedProperties?.entry(name);
    if (!hit) return undefined;
    const value = typeof hit.value === 'string' ? (parseUsTime(hit.value) ?? parseIsoTime(hit.value)) : undefined;
    if (!value) warnings.push(`time: dropped ${quote(hit.value)} from ${hit.name}: not MM/dd/yyyy HH:mm:ss`);
    return value;
  };
  const event = view.eventTime && declared(view.eventTime);
  const startTime = declared(view.startTime) ?? extended('Start Time UTC') ?? event;
  if (!startTime) throw new UserError('alert: no start time (StartTimeUtc)');
  let endTime = declared(view.endTime) ?? extended('End Time UTC') ?? event;
  if (!endTime) {
    warnings.push('endTime: the alert has none; using the start time');
    endTime = startTime;
  }
  if (endTime < startTime) warnings.push(`endTime: ${endTime} is before startTime ${startTime}`);
  return { startTime, endTime };
}

function resolveVault(view: AlertView, entities: AlertEntities, warnings: string[]): AlertVault {
  const candidates: Candidate[] = [
    ...(view.resourceId ? [{ from: view.resourceId.name, value: view.resourceId.value }] : []),
    ...resourceIdentifiers(view, 'AzureResource', 'AzureResourceId'),
    ...entities.resources.map((r, i) => ({ from: `azure-resource entity ${i + 1}`, value: r.resourceId })),
    ...extCandidates(view.extendedProperties, 'EffectiveAzureResourceId'),
  ];
  const vaultCheck = (text: string): Checked =>
    parseVaultResourceId(text)
      ? { ok: true, value: text.trim() }
      : { ok: false, reason: 'not a Key Vault resource id' };
  const chosen = pick('vault', candidates, vaultCheck, warnings);
  let vault = chosen ? parseVaultResourceId(chosen) : undefined;
  const compromised = view.compromisedEntity?.value.trim();
  if (!vault && compromised && view.context.subscriptionId && view.context.resourceGroup) {
    vault = buildVault(view.context.subscriptionId, view.context.resourceGroup, compromised);
    if (vault) {
      warnings.push(
        `vault: no resource id in the alert; built ${JSON.stringify(vault.resourceId)} from CompromisedEntity and ${view.context.source}`,
      );
    }
  }
  if (!vault) {
    throw new UserError(
      'alert: no Key Vault resource id (AzureResourceId, ResourceIdentifiers, an azure-resource entity or CompromisedEntity)',
    );
  }
  if (compromised && compromised.toLowerCase() !== vault.name.toLowerCase()) {
    warnings.push(`vault: CompromisedEntity ${quote(compromised)} differs from the vault ${quote(vault.name)}`);
  }
  if (!isGuid(vault.subscriptionId)) {
    warnings.push(`vault: subscription id ${quote(vault.subscriptionId)} is not a GUID`);
  }
  return vault;
}

function resolveSource(view: AlertView, entities: AlertEntities, warnings: string[]): AlertSource {
  const ext = view.extendedProperties;
  const accounts = entities.accounts.map((a, i) => ({ account: a, from: `account entity ${i + 1}` }));
  const principalKeys = (ext?.entries() ?? [])
    .map(([key]) => key)
    .filter((key) => /principal ?name|\bupn\b/i.test(key) && key.toLowerCase() !== 'client principal name');
  const source: AlertSource = {};
  const set = (key: keyof AlertSource, value: string | undefined) => {
    if (value !== undefined) source[key] = value;
  };
  set(
    'ip',
    pick(
      'source.ip',
      [
        ...extCandidates(ext, 'Attacker IP Address', 'Client IP address'),
        ...entities.ips.map((e, i) => ({ from: `ip entity ${i + 1}`, value: e.address })),
      ],
      ip,
      warnings,
    ),
  );
  set(
    'objectId',
    pick(
      'source.objectId',
      [
        ...extCandidates(ext, 'Attacker Object ID'),
        ...accounts.flatMap(({ account, from }) => (account.aadUserId ? [{ from, value: account.aadUserId }] : [])),
      ],
      checkGuid,
      warnings,
    ),
  );
  set(
    'upn',
    pick(
      'source.upn',
      [
        ...extCandidates(ext, 'Client principal name', ...principalKeys),
        ...accounts.flatMap(({ account, from }) => {
          const upn = accountUpn(account);
          return upn ? [{ from, value: upn }] : [];
        }),
      ],
      checkUpn,
      warnings,
    ),
  );
  set('appId', pick('source.appId', extCandidates(ext, 'Application ID'), checkGuid, warnings));
  set(
    'tenantId',
    pick(
      'source.tenantId',
      [
        ...resourceIdentifiers(view, 'AAD', 'AadTenantId'),
        ...accounts.flatMap(({ account, from }) => (account.aadTenantId ? [{ from, value: account.aadTenantId }] : [])),
      ],
      checkGuid,
      warnings,
    ),
  );
  const clientInfo = ext?.entry('Client Information');
  if (clientInfo) {
    if (typeof clientInfo.value !== 'string') {
      warnings.push(`source.userAgent: dropped ${clientInfo.name}: expected text, got ${typeName(clientInfo.value)}`);
    } else {
      const agent = cleanText(clientInfo.value, MAX_USER_AGENT);
      if (agent.truncated) warnings.push(`source.userAgent: cut to ${MAX_USER_AGENT} characters`);
      if (agent.value) source.userAgent = agent.value;
    }
  }
  return source;
}

function resolveOperations(view: AlertView, warnings: string[]): Alert['operations'] {
  const hit = view.extendedProperties?.entry('Suspicious Operations');
  if (!hit) return [];
  if (typeof hit.value !== 'string') {
    warnings.push(`operations: dropped ${hit.name}: expected text, got ${typeName(hit.value)}`);
    return [];
  }
  const { operations, rejected } = parseOperations(hit.value);
  for (const item of rejected) warnings.push(`operations: dropped ${quote(item)} from ${hit.name}: not Name:count`);
  return operations;
}

function resolveTargets(view: AlertView, warnings: string[]): string[] {
  const hit = view.extendedProperties?.entry('Target');
  if (!hit) return [];
  const targets: string[] = [];
  for (const text of splitTargets(hit.value)) {
    const checked = checkTarget(text);
    if (!checked.ok) warnings.push(`targets: dropped ${quote(text)} from ${hit.name}: ${checked.reason}`);
    else if (!targets.includes(checked.value)) targets.push(checked.value);
  }
  return targets;
}

function resolveDisplayName(view: AlertView, info: AlertTypeInfo, warnings: string[]): string {
  if (!view.displayName) return info.entry?.displayName ?? info.type;
  const { value, truncated } = cleanText(view.displayName.value, MAX_DISPLAY_NAME);
  if (truncated) warnings.push(`displayName: cut to ${MAX_DISPLAY_NAME} characters`);
  if (SAMPLE_PREFIX.test(value) !== info.simulated) {
    warnings.push(
      info.simulated
        ? 'displayName: a SIMULATED_ type without the "[SAMPLE ALERT]" prefix'
        : 'displayName: "[SAMPLE ALERT]" prefix on a type without SIMULATED_; treated as a real alert',
    );
  }
  return value || (info.entry?.displayName ?? info.type);
}

function resolveStatus(view: AlertView, warnings: string[]): string {
  if (!view.status) return 'Unknown';
  const { value, truncated } = cleanText(view.status.value, MAX_STATUS);
  if (truncated) warnings.push(`status: cut to ${MAX_STATUS} characters`);
  return value || 'Unknown';
}

/** Normalises one alert in any of the five forms. */
export function normalizeAlert(raw: unknown): NormalizedAlert {
  if (!isObject(raw)) throw new UserError(`alert: expected a JSON object, got ${typeName(raw)}`);
  checkPayload(raw, 'alert');
  const view = readForm(raw);
  const warnings: string[] = [];
  const info = resolveType(view);
  if (!info.documented) {
    warnings.push(`type: ${info.type} is not a documented Key Vault alert type; treated as a Key Vault alert`);
  }
  const id = resolveId(view);
  const entities = view.entities ? readEntities(view.entities.value, view.entities.name) : emptyEntities();
  for (const ref of entities.unresolved) warnings.push(`entities: ${ref} is a $ref to no entity (or a loop); ignored`);
  const vault = resolveVault(view, entities, warnings);
  const severity = resolveSeverity(view, info, warnings);
  const { startTime, endTime } = resolveTimes(view, warnings);
  const alert: Alert = {
    id,
    type: info.type,
    simulated: info.simulated,
    displayName: resolveDisplayName(view, info, warnings),
    severity,
    status: resolveStatus(view, warnings),
    startTime,
    endTime,
    vault,
    source: resolveSource(view, entities, warnings),
    operations: resolveOperations(view, warnings),
    targets: resolveTargets(view, warnings),
    form: view.form,
  };
  return { alert, warnings, documented: info.documented };
}

function emptyEntities(): AlertEntities {
  return { ips: [], accounts: [], resources: [], unresolved: [] };
}
