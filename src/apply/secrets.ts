// Secret executors of the rotate gate: rotate (staged, safe to re-run after a crash at any point), disable and
// soft-delete. Generated values are masked before anything else sees them and never leave this module.
import type { SecretProperties } from '@azure/keyvault-secrets';
import type { DeleteSecretsAction, DisableSecretsAction, RotateSecretsAction, SecretTarget } from '../plan/types.js';
import { collect, describeError, isNotFound } from './rotate-calls.js';
import { TAG_ALERT_ID, TAG_ROTATED_FROM, rotatedTags } from './rotate-tags.js';
import { objectResult, type Executor, type ObjectResult } from './rotate-types.js';
import { byCreation, disableVersions } from './rotate-versions.js';
import { generateSecretValue } from './secrets-value.js';

type RotateParams = RotateSecretsAction['params'];

/** Runs the objects' work with the run's bounded concurrency. */
export type Mapper = <T>(items: readonly T[], work: (item: T) => Promise<ObjectResult>) => Promise<ObjectResult[]>;

/** Runs one object's work; a failure becomes that object's result and never stops the others. */
export async function settle(result: ObjectResult, work: () => Promise<void>): Promise<ObjectResult> {
  try {
    await work();
  } catch (error) {
    result.outcome = 'failed';
    result.error = describeError(error);
  }
  return result;
}

async function secretVersions(x: Executor, name: string): Promise<SecretProperties[] | undefined> {
  try {
    return byCreation(await x.call(() => collect(x.secrets.listPropertiesOfSecretVersions(name))));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The listed targets, plus every other secret of the vault when the plan says scope all (listed at apply time). */
async function secretTargets(x: Executor, listed: SecretTarget[], all: boolean): Promise<SecretTarget[]> {
  if (!all) return listed;
  const known = new Set(listed.map((s) => s.name.toLowerCase()));
  const found = await x.call(() => collect(x.secrets.listPropertiesOfSecrets()));
  const more = found
    .filter((s) => !known.has(s.name.toLowerCase()))
    .map((s) => ({ name: s.name, compromisedVersions: [] }));
  return [...listed, ...more];
}

/** The same validity length as the previous version, counted from now; undefined when it had no expiry. */
function keptExpiry(previous: SecretProperties): Date | undefined {
  const start = previous.notBefore ?? previous.createdOn;
  if (!previous.expiresOn || !start) return undefined;
  const validity = previous.expiresOn.getTime() - start.getTime();
  return validity > 0 ? new Date(Date.now() + validity) : undefined;
}

/**
 * Confirms `version` is the secret's current version and enabled (a GET of the latest version). The value it
 * returns is masked at once; when `expected` is given it must be the value just written (the service stored it).
 */
async function confirmCurrent(
  x: Executor,
  name: string,
  version: string,
  expected?: string,
): Promise<string | undefined> {
  const latest = await x.call(() => x.secrets.getSecret(name));
  if (latest.value) x.maskSecret(latest.value);
  if (latest.properties.version !== version) {
    return `the current version is ${latest.properties.version ?? 'unknown'}, not ${version}`;
  }
  if (latest.properties.enabled === false) return `version ${version} is disabled`;
  if (expected !== undefined && latest.value !== expected) return `version ${version} does not hold the value written`;
  return undefined;
}

/** Whether the secret's current version is one made for this alert other than `version` (a concurrent run's). */
async function newerRotation(x: Executor, name: string, version: string): Promise<boolean> {
  const current = (await secretVersions(x, name))?.at(-1);
  return current?.tags?.[TAG_ALERT_ID] === x.marker && current.version !== version && current.enabled !== false;
}

async function rotateSecret(x: Executor, target: SecretTarget, params: RotateParams): Promise<ObjectResult> {
  const r = objectResult('secret', target.name, 'rotated');
  return settle(r, async () => {
    const versions = await secretVersions(x, target.name);
    const current = versions?.at(-1);
    if (!versions || !current?.version) {
      r.outcome = 'not-found';
      return;
    }
    if (target.manual) {
      r.outcome = 'manual';
      r.checklist = `Rotate the credential stored in secret ${target.name} at its source, then store the new value as a new version.`;
      const wanted = params.disable === 'none' ? [] : target.compromisedVersions;
      await disableVersions(x, r, versions, wanted, new Set(), (v) =>
        x.secrets.updateSecretProperties(target.name, v, { enabled: false }),
      );
      return;
    }
    if (current.managed) {
      r.outcome = 'skipped';
      r.notes.push('backs a certificate: rotate the certificate instead');
      return;
    }
    // Stage 1: a version tagged for this alert means an earlier run created it; never create a second one.
    const ours = versions.filter((v) => v.tags?.[TAG_ALERT_ID] === x.marker);
    let fresh = ours.at(-1);
    if (fresh?.version) {
      r.outcome = 'already-rotated';
      r.newVersion = fresh.version;
      r.rotatedFrom = fresh.tags?.[TAG_ROTATED_FROM];
      if (fresh.enabled === false) {
        throw new Error(`the version created for this alert (${fresh.version}) is disabled; old versions left enabled`);
      }
      const problem = await confirmCurrent(x, target.name, fresh.version);
      if (problem) r.notes.push(`${problem}: a newer version was written after the rotation; left as it is`);
    } else if (x.dryRun) {
      r.outcome = 'planned';
      r.rotatedFrom = current.version;
      r.notes.push(`would create a new version (from ${current.version}) and read it back`);
    } else {
      // Stage 2: create the new version, tagged atomically with the marker, then read it back.
      const value = generateSecretValue(params.generator.length, params.generator.charset);
      x.maskSecret(value);
      const expiresOn = keptExpiry(current);
      const created = await x.call(() =>
        x.secrets.setSecret(target.name, value, {
          contentType: current.contentType,
          tags: rotatedTags(current.tags, x.marker, current.version as string),
          ...(expiresOn ? { expiresOn } : {}),
        }),
      );
      const version = created.properties.version;
      if (!version) throw new Error('the service returned no version for the new value; old versions left enabled');
      r.newVersion = version;
      r.rotatedFrom = current.version;
      const problem = await confirmCurrent(x, target.name, version, value);
      // A newer version made for this alert is a concurrent run's rotation (handled below), not a failure.
      if (problem && !(await newerRotation(x, target.name, version))) {
        throw new Error(`read-back failed: ${problem}; old versions left enabled`);
      }
      fresh = { ...created.properties, enabled: true };
      x.log.info(`secret ${target.name}: new version ${version} (was ${current.version})`);
    }
    // Stage 3: only now disable the compromised versions (and any duplicate a retried write left behind).
    // A dry run has no new version yet: every existing version would then be older than it.
    const latest = fresh?.version ? await secretVersions(x, target.name) : versions;
    if (!latest) throw new Error('the secret disappeared during the rotation');
    // Key Vault has no conditional write: two runs of one plan that both listed no version for this alert both
    // wrote one. The newest version made for the alert is the rotation (it is current); older ones are duplicates.
    const newest = latest.filter((v) => v.tags?.[TAG_ALERT_ID] === x.marker && v.enabled !== false).at(-1);
    if (fresh?.version && newest?.version && newest.version !== fresh.version && newest === latest.at(-1)) {
      r.notes.push(
        `a concurrent run created version ${newest.version} for this alert too: it is current, so it is the rotation`,
      );
      fresh = newest;
      r.newVersion = newest.version;
    }
    const newVersion = fresh?.version;
    const keep = new Set(newVersion ? [newVersion, latest.at(-1)?.version as string] : []);
    const freshIndex = newVersion ? latest.findIndex((v) => v.version === newVersion) : latest.length;
    const older = latest.slice(0, Math.max(freshIndex, 0)).map((v) => v.version as string);
    const duplicates = latest
      .filter((v) => v.tags?.[TAG_ALERT_ID] === x.marker && v.version !== newVersion)
      .map((v) => v.version as string);
    const wanted =
      params.disable === 'all-previous'
        ? older
        : params.disable === 'accessed-versions'
          ? target.compromisedVersions
          : [];
    const enabledDuplicates = duplicates.filter((d) => !keep.has(d) && latest.find((v) => v.version === d)?.enabled);
    for (const v of enabledDuplicates) {
      r.notes.push(
        `version ${v} was also made for this alert (a concurrent run or a retried write): disabled as a duplicate of ${newVersion}`,
      );
    }
    await disableVersions(x, r, latest, [...wanted, ...duplicates], keep, (v) =>
      x.secrets.updateSecretProperties(target.name, v, { enabled: false }),
    );
  });
}

export async function rotateSecrets(x: Executor, action: RotateSecretsAction, map: Mapper): Promise<ObjectResult[]> {
  const targets = await secretTargets(x, action.params.secrets, action.params.allSecrets);
  return map(targets, (t) => rotateSecret(x, t, action.params));
}

async function disableSecret(x: Executor, target: SecretTarget): Promise<ObjectResult> {
  const r = objectResult('secret', target.name, 'disabled');
  return settle(r, async () => {
    const versions = await secretVersions(x, target.name);
    const current = versions?.at(-1);
    if (!versions || !current?.version) {
      r.outcome = 'not-found';
      return;
    }
    const keep = new Set<string>();
    // A version created for this alert holds the fresh value: disabling it would take the secret away.
    for (const v of versions) if (v.tags?.[TAG_ALERT_ID] === x.marker && v.version) keep.add(v.version);
    const wanted = target.compromisedVersions.length > 0 ? target.compromisedVersions : [current.version];
    await disableVersions(x, r, versions, wanted, keep, (v) =>
      x.secrets.updateSecretProperties(target.name, v, { enabled: false }),
    );
    if (x.dryRun) r.outcome = 'planned';
    else if (r.disabledVersions.length === 0) r.outcome = 'unchanged';
  });
}

export async function disableSecrets(x: Executor, action: DisableSecretsAction, map: Mapper): Promise<ObjectResult[]> {
  const targets = await secretTargets(x, action.params.secrets, action.params.allSecrets);
  return map(targets, (t) => disableSecret(x, t));
}

async function deleteSecret(x: Executor, name: string): Promise<ObjectResult> {
  const r = objectResult('secret', name, 'deleted');
  return settle(r, async () => {
    if (x.dryRun) {
      r.outcome = 'planned';
      r.notes.push('would soft-delete it (recoverable for the vault retention period; never purged)');
      return;
    }
    try {
      const poller = await x.call(() =>
        x.secrets.beginDeleteSecret(name, x.pollIntervalMs === undefined ? {} : { intervalInMs: x.pollIntervalMs }),
      );
      await x.call(() => poller.pollUntilDone());
      x.log.info(`secret ${name}: soft-deleted`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Gone from the active secrets: deleted earlier (a re-run) or never there.
      const deleted = await x
        .call(() => x.secrets.getDeletedSecret(name))
        .catch((e: unknown) => {
          if (isNotFound(e)) return undefined;
          throw e;
        });
      r.outcome = deleted ? 'already-deleted' : 'not-found';
    }
  });
}

export async function deleteSecrets(x: Executor, action: DeleteSecretsAction, map: Mapper): Promise<ObjectResult[]> {
  const targets = await secretTargets(
    x,
    action.params.secrets.map((s) => ({ name: s.name, compromisedVersions: [] })),
    action.params.allSecrets,
  );
  return map(targets, (t) => deleteSecret(x, t.name));
}
