// rotate-certificates: a new version from the certificate's current policy when its issuer signs without a person
// (self-signed, or a CA integrated with the vault); otherwise a checklist item. Staged with tags (rotate-staged.ts).
// Old versions stay enabled: the plan names none, and services pick up the new version on their own schedule.
import type { CertificatePolicy } from '@azure/keyvault-certificates';
import type { RotateCertificatesAction } from '../plan/types.js';
import { collect, describeError, isNotFound } from './rotate-calls.js';
import { stagedRotation } from './rotate-staged.js';
import { objectResult, type Executor, type ObjectResult } from './rotate-types.js';
import { byCreation, type VersionInfo } from './rotate-versions.js';
import { settle, type Mapper } from './secrets.js';

/** Certificate authorities Key Vault is integrated with: they sign a request without anyone's help. */
const INTEGRATED_PROVIDERS = new Set(['digicert', 'globalsign']);

async function certificateVersions(x: Executor, name: string): Promise<VersionInfo[] | undefined> {
  try {
    return byCreation(await collect(x.certificates.listPropertiesOfCertificateVersions(name)));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Why the policy's issuer needs a person, or undefined when the vault can issue the new version itself. */
async function manualIssuer(x: Executor, policy: CertificatePolicy): Promise<string | undefined> {
  const issuer = policy.issuerName ?? 'Unknown';
  if (issuer.toLowerCase() === 'self') return undefined;
  if (issuer.toLowerCase() === 'unknown') return 'its issuer is Unknown (the request is signed outside Key Vault)';
  try {
    const found = await x.call(() => x.certificates.getIssuer(issuer));
    if (INTEGRATED_PROVIDERS.has((found.provider ?? '').toLowerCase())) return undefined;
    return `its issuer ${issuer} uses provider ${found.provider ?? 'unknown'}, which Key Vault cannot drive`;
  } catch (error) {
    return `its issuer ${issuer} could not be read (${describeError(error)})`;
  }
}

async function rotateCertificate(x: Executor, name: string): Promise<ObjectResult> {
  const r = objectResult('certificate', name, 'rotated');
  const poll = x.pollIntervalMs === undefined ? {} : { intervalInMs: x.pollIntervalMs };
  return settle(r, async () => {
    let policy: CertificatePolicy | undefined;
    const versions = await stagedRotation(x, r, {
      list: () => certificateVersions(x, name),
      tag: (version, tags) => x.certificates.updateCertificateProperties(name, version, { tags }),
      resume: async () => {
        try {
          // Completed or not, the operation may be ours: wait for it, then look for its version.
          const poller = await x.certificates.getCertificateOperation(name, poll);
          if (!poller.getOperationState().isCompleted) await poller.pollUntilDone();
          return true;
        } catch (error) {
          if (isNotFound(error)) return false;
          throw error;
        }
      },
      create: async () => {
        if (!policy) throw new Error('no certificate policy read');
        const poller = await x.certificates.beginCreateCertificate(name, policy, poll);
        const created = await poller.pollUntilDone();
        if (!created.properties.version) throw new Error('the service returned no version for the new certificate');
        x.log.info(`certificate ${name}: new version ${created.properties.version}`);
        return { version: created.properties.version, tags: created.properties.tags };
      },
      blocked: async () => {
        policy = await x.call(() => x.certificates.getCertificatePolicy(name));
        return manualIssuer(x, policy);
      },
    });
    if (r.outcome === 'manual') {
      r.checklist = `Renew certificate ${name} by hand: ${r.notes.at(-1) ?? 'its issuer needs a person'}; then import or merge the new version.`;
      return;
    }
    if (versions && versions.length > 1)
      r.notes.push('previous versions left enabled (the plan lists none to disable)');
  });
}

export async function rotateCertificates(
  x: Executor,
  action: RotateCertificatesAction,
  map: Mapper,
): Promise<ObjectResult[]> {
  let names = action.params.certificates.map((c) => c.name);
  if (action.params.allCertificates) {
    const known = new Set(names.map((n) => n.toLowerCase()));
    const found = await x.call(() => collect(x.certificates.listPropertiesOfCertificates()));
    names = [...names, ...found.map((c) => c.name ?? '').filter((n) => n && !known.has(n.toLowerCase()))];
  }
  return map(names, (n) => rotateCertificate(x, n));
}
