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
}

export interface RemediateResult {
  actionId: string;
  kind: 'firewall' | 'revoke-access';
  /**
   * applied: changed now; already-done: the end state already held; refused: the vault drifted from the snapshot
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
