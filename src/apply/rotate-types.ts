// Results of the rotate gate, per action and per object, and what every rotate executor gets.
// A result names versions (ids are not secret) and never a value.
import type { CertificateClient } from '@azure/keyvault-certificates';
import type { KeyClient } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { Logger } from '../log.js';
import type { TemporaryFirewallRule } from './firewall-exception.js';

export type RotateActionKind =
  'rotate-secrets' | 'disable-secrets' | 'delete-secrets' | 'rotate-keys' | 'rotate-certificates';

export type ObjectOutcome =
  /** A new version was created by this run. */
  | 'rotated'
  /** A version tagged for this alert already exists (an earlier run): not created again. */
  | 'already-rotated'
  /** Versions were disabled (disable-secrets). */
  | 'disabled'
  | 'deleted'
  | 'already-deleted'
  /** Needs a person: rotate at the source, or a certificate issuer we cannot drive. See `checklist`. */
  | 'manual'
  /** Nothing to change: the end state already holds. */
  | 'unchanged'
  /** Left alone on purpose; `notes` says why. */
  | 'skipped'
  | 'not-found'
  /** Dry run: what a real run would do is in `notes`. */
  | 'planned'
  | 'failed';

export interface ObjectResult {
  type: 'secret' | 'key' | 'certificate';
  name: string;
  outcome: ObjectOutcome;
  /** The version created for this alert (this run or an earlier one). */
  newVersion?: string;
  /** The version that was current before the rotation. */
  rotatedFrom?: string;
  /** Disabled by this run. */
  disabledVersions: string[];
  /** Planned for disabling and already disabled. */
  alreadyDisabledVersions: string[];
  /** Planned for disabling and not found among the object's versions. */
  missingVersions: string[];
  /** Skipped steps and why, what a dry run would do, anything a reviewer should know. */
  notes: string[];
  /** A checklist item for a person (manual rotation). */
  checklist?: string;
  /** One line; never a value. */
  error?: string;
}

export interface RotateResult {
  actionId: string;
  kind: RotateActionKind;
  /** done: every object reached its end state; partial: some failed; refused: nothing attempted (see message). */
  status: 'done' | 'partial' | 'failed' | 'refused' | 'dry-run';
  message?: string;
  objects: ObjectResult[];
  /** Set when this action's calls needed the temporary firewall rule (shared by the run; final at return). */
  temporaryFirewallRule?: TemporaryFirewallRule;
}

/** What an executor gets for one action: clients of the plan's vault and how to call them. */
export interface Executor {
  /** Tag value marking versions created for this alert. */
  marker: string;
  dryRun: boolean;
  log: Logger;
  maskSecret: (value: string) => void;
  /** LRO poll interval (delete, certificate create); undefined: the SDK's default. */
  pollIntervalMs?: number;
  /** Wraps every data-plane call: firewall exception and throttling retry. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  secrets: SecretClient;
  keys: KeyClient;
  certificates: CertificateClient;
}

export function objectResult(type: ObjectResult['type'], name: string, outcome: ObjectOutcome): ObjectResult {
  return { type, name, outcome, disabledVersions: [], alreadyDisabledVersions: [], missingVersions: [], notes: [] };
}
