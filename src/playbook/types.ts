// The validated playbook. Only loadPlaybook() builds one, and only from a playbook without problems.
import type { Cidr } from '../net/ip.js';
import type { Gate, StepKind, StepParams } from '../steps/index.js';
import type { Condition } from './conditions.js';
import type { Position } from './problems.js';

export interface GateSettings {
  /** The GitHub environment whose approval releases this gate's changes. */
  environment: string;
  /** Refuse to apply when the environment has no required reviewers (default true). */
  requireApproval: boolean;
}

export interface Settings {
  /** ISO 8601 duration for impact queries (default P1D). */
  lookback: string;
  workspaceId?: string;
  /** Extra labels on every issue. */
  labels: string[];
  /** A re-fired alert reopens its closed issue (default true). */
  reopenClosed: boolean;
  gates: Partial<Record<Gate, GateSettings>>;
  /** How old a plan may be when a gate applies it (ISO 8601 duration, default P7D). */
  planMaxAge: string;
  /** Path of Azure's Service Tags JSON, to classify Azure addresses (identify-source). */
  serviceTags?: string;
}

export interface Owner {
  /** Globs, compared case-insensitively. Without `secret` the entry covers the whole vault. */
  match: { vault: string; secret?: string };
  /** Mentions: @user or @org/team. */
  notify: string[];
  /** GitHub logins to assign. */
  assign: string[];
  at: Position;
}

/** One step of a rule, with its kind's typed parameters (defaults applied). */
export type Step = {
  [K in StepKind]: { kind: K; gate: Gate | null; params: StepParams<K>; at: Position };
}[StepKind];

export interface Rule {
  name: string;
  description?: string;
  /** Absent: the rule matches every alert. */
  when?: Condition;
  steps: Step[];
  /** No issue for a matching alert; it is logged and shown in the job summary. */
  suppress: boolean;
  /** Keep evaluating later rules after this one matches. */
  continue: boolean;
  /** Extra labels on the issue when this rule matches. */
  labels: string[];
  at: Position;
}

export interface Playbook {
  version: 1;
  settings: Settings;
  networks: ReadonlyMap<string, readonly Cidr[]>;
  owners: Owner[];
  rules: Rule[];
}
