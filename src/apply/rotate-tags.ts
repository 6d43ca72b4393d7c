// Version tags as the stage labels of a rotation (AWS Secrets Manager's staged rotation, Vault's write-ahead log):
// a re-run after a crash at any point reads them and continues instead of rotating again.
import { createHash } from 'node:crypto';

/** On the new version: the rotation marker of the alert it was created for. */
export const TAG_ALERT_ID = 'kv-alert-playbook.alert-id';
/** On the new version: the version that was current before it. */
export const TAG_ROTATED_FROM = 'kv-alert-playbook.rotated-from';
/**
 * Keys and certificates only (their new version cannot carry tags from the creating call): written on the current
 * version before the rotation starts, so a re-run that finds a newer version knows it is ours.
 */
export const TAG_ROTATION_STARTED = 'kv-alert-playbook.rotation-started';

const OURS = new Set([TAG_ALERT_ID, TAG_ROTATED_FROM, TAG_ROTATION_STARTED]);

/**
 * The tag value marking versions created for an alert: `sha256:` and the hex digest of the alert id. Alert ids are
 * untrusted text of any length; a digest is bounded, fits Key Vault's 256-character tag values, writes nothing
 * from the alert into the vault, and is compared for equality only.
 */
export function rotationMarker(alertId: string): string {
  return `sha256:${createHash('sha256').update(alertId, 'utf8').digest('hex')}`;
}

/** The object's own tags without ours (tags are per version and replaced whole on update). */
export function foreignTags(tags: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !OURS.has(k)));
}

export function rotatedTags(
  previous: Record<string, string> | undefined,
  marker: string,
  rotatedFrom: string,
): Record<string, string> {
  return { ...foreignTags(previous), [TAG_ALERT_ID]: marker, [TAG_ROTATED_FROM]: rotatedFrom };
}
