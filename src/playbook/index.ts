// The playbook language: load (YAML with positions, limits), validate into a typed Playbook, match alerts.
export { loadPlaybook, MAX_PLAYBOOK_BYTES, type LoadResult } from './load.js';
export { matchAlert, type MatchResult, type RuleOutcome } from './match.js';
export { ownersFor, type Owners } from './owners.js';
export { formatProblem, type Position, type Problem } from './problems.js';
export { parseDuration } from './duration.js';
export { sourceKind, type SourceKind } from './fields.js';
export type { GateSettings, Owner, Playbook, Rule, Settings, Step } from './types.js';
