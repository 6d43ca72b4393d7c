// Staged rotation for keys and certificates, whose new version cannot carry our tags from the creating call:
// (1) tag the current version "rotation started" (write-ahead), (2) create the new version, (3) tag it with the
// alert's marker. A re-run finds the stage it stopped at: a marked version → done; a started version followed by a
// newer one → that one is ours, tag it; a started version still current → create (certificates first finish a
// pending operation).
import { TAG_ALERT_ID, TAG_ROTATED_FROM, TAG_ROTATION_STARTED, rotatedTags } from './rotate-tags.js';
import type { Executor, ObjectResult } from './rotate-types.js';
import type { VersionInfo } from './rotate-versions.js';

export interface StagedObject {
  /** The object's versions oldest first; undefined when the object does not exist. */
  list(): Promise<VersionInfo[] | undefined>;
  /** Replaces a version's tags. */
  tag(version: string, tags: Record<string, string>): Promise<unknown>;
  /** Creates the new version. */
  create(): Promise<{ version: string; tags?: Record<string, string> }>;
  /** Why a person has to create the new version (e.g. a certificate's manual issuer); undefined when we can. */
  blocked?(): Promise<string | undefined>;
  /** Finishes an operation an earlier run left pending; true when it may have produced a version. */
  resume?(): Promise<boolean>;
}

/** Runs the stages on one object; returns its versions after the rotation, or undefined (not found / dry run). */
export async function stagedRotation(
  x: Executor,
  r: ObjectResult,
  object: StagedObject,
): Promise<VersionInfo[] | undefined> {
  let versions = await x.call(() => object.list());
  if (!versions?.at(-1)?.version) {
    r.outcome = 'not-found';
    return undefined;
  }
  const fresh = versions.filter((v) => v.tags?.[TAG_ALERT_ID] === x.marker).at(-1);
  if (fresh?.version) {
    r.outcome = 'already-rotated';
    r.newVersion = fresh.version;
    r.rotatedFrom = fresh.tags?.[TAG_ROTATED_FROM];
    return versions;
  }
  let started = versions.find((v) => v.tags?.[TAG_ROTATION_STARTED] === x.marker);
  const resume = object.resume;
  if (started && versions.at(-1) === started && resume && (await x.call(resume))) {
    versions = (await x.call(() => object.list())) ?? versions;
    started = versions.find((v) => v.version === started?.version);
  }
  const latest = versions.at(-1) as VersionInfo;
  const from = (started ?? latest).version as string;
  const next = started ? versions[versions.indexOf(started) + 1] : undefined;
  if (next?.version) {
    // An earlier run created this version and stopped before marking it.
    await x.call(() => object.tag(next.version as string, rotatedTags(next.tags, x.marker, from)));
    r.outcome = 'rotated';
    r.newVersion = next.version;
    r.rotatedFrom = from;
    r.notes.push('finished a rotation an earlier run had started');
    return (await x.call(() => object.list())) ?? versions;
  }
  const blocked = object.blocked ? await object.blocked() : undefined;
  if (blocked) {
    r.outcome = 'manual';
    r.notes.push(blocked);
    return undefined;
  }
  if (x.dryRun) {
    r.outcome = 'planned';
    r.rotatedFrom = from;
    r.notes.push(`would create a new version (from ${from})`);
    return undefined;
  }
  if (!started) await x.call(() => object.tag(from, { ...latest.tags, [TAG_ROTATION_STARTED]: x.marker }));
  const created = await x.call(() => object.create());
  await x.call(() => object.tag(created.version, rotatedTags(created.tags, x.marker, from)));
  r.outcome = 'rotated';
  r.newVersion = created.version;
  r.rotatedFrom = from;
  return (await x.call(() => object.list())) ?? versions;
}
