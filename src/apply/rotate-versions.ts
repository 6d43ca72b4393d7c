// Disabling old versions of a secret or key, the last stage of a rotation: idempotent, and never the version a
// caller now depends on.
import type { Executor, ObjectResult } from './rotate-types.js';

export interface VersionInfo {
  version?: string;
  enabled?: boolean;
  createdOn?: Date;
  tags?: Record<string, string>;
}

/** Versions of one object oldest first, by creation time (ties keep the service's order). */
export function byCreation<T extends VersionInfo>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => (a.createdOn?.getTime() ?? 0) - (b.createdOn?.getTime() ?? 0));
}

/**
 * Disables each wanted version that exists and is enabled, recording what it did on the result. Versions in
 * `keep` (the new version, the current one) are never disabled: a rotation must not leave the object unusable.
 */
export async function disableVersions(
  x: Executor,
  result: ObjectResult,
  versions: readonly VersionInfo[],
  wanted: Iterable<string>,
  keep: ReadonlySet<string>,
  disable: (version: string) => Promise<unknown>,
): Promise<void> {
  for (const id of new Set(wanted)) {
    if (keep.has(id)) {
      result.notes.push(`version ${id} is the current or new version: left enabled`);
      continue;
    }
    const found = versions.find((v) => v.version === id);
    if (!found) {
      result.missingVersions.push(id);
    } else if (found.enabled === false) {
      result.alreadyDisabledVersions.push(id);
    } else if (x.dryRun) {
      result.notes.push(`would disable version ${id}`);
    } else {
      await x.call(() => disable(id));
      result.disabledVersions.push(id);
    }
  }
}
