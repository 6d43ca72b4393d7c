// Who is told and assigned for a vault (and optionally specific secrets), from the playbook's owners section.
import { globMatch } from './glob.js';
import type { Playbook } from './types.js';

export interface Owners {
  notify: string[];
  assign: string[];
}

/** Owners whose vault glob matches; entries with a secret glob count when one of `secretNames` matches it. */
export function ownersFor(playbook: Playbook, vaultName: string, secretNames: readonly string[] = []): Owners {
  const notify = new Set<string>();
  const assign = new Set<string>();
  for (const owner of playbook.owners) {
    if (!globMatch(owner.match.vault.toLowerCase(), vaultName.toLowerCase())) continue;
    const secret = owner.match.secret?.toLowerCase();
    if (secret !== undefined && !secretNames.some((name) => globMatch(secret, name.toLowerCase()))) continue;
    owner.notify.forEach((m) => notify.add(m));
    owner.assign.forEach((a) => assign.add(a));
  }
  return { notify: [...notify], assign: [...assign] };
}
