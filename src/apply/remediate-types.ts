// What the remediate executors get and return. Values in a result come from Azure or the plan: untrusted text
// the report escapes.
import type { AzureContext } from '../azure/context.js';
import type { Logger } from '../log.js';
import type { FieldDiff } from './remediate-state.js';

export interface RemediateContext {
  az: AzureContext;
  log: Logger;
  /** The action's own object id: never removed. */
  selfObjectId: string;
  /** Verify and report; write nothing. */
  dryRun: boolean;
}

export interface Change {
  what: string;
  before: string;
  after: string;
  /**
   * Found made: the end state held and the vault no longer matched the state the action starts from (`before`), so
   * an earlier run of the plan made it, perhaps without recording it (killed before its comment). Recorded again.
   */
  earlierRun?: boolean;
}

/** Why a change found made is put down to an earlier run, for the result's message. */
export const EARLIER_RUN = 'an earlier run of this plan made the change, as far as this run can tell';

export interface RemediateResult {
  actionId: string;
  kind: 'firewall' | 'revoke-access';
  /**
   * applied: changed now; already-done: the end state already held (changes: those an earlier run made); refused: the vault drifted from the snapshot
   * or the action is not allowed (see message, drift); failed: the write failed; dry-run: would apply `changes`.
   */
  status: 'applied' | 'already-done' | 'refused' | 'failed' | 'dry-run';
  /** One line. */
  message: string;
  changes: Change[];
  drift?: FieldDiff[];
  /** Facts a reviewer should know (e.g. assignments the plan did not name, left alone). */
  notes: string[];
}

/** How the shared executors treat a state that is neither the start nor the end state. */
export interface DriftOptions {
  /** Overwrite it anyway (rollback --force); the overwritten values are noted. */
  force?: boolean;
  /** What the start state is, for the refusal message (default "the plan was made"). */
  since?: string;
}
