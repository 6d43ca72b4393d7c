// Matching an alert against the rules, with the reasons a person needs to see why a rule did or did not apply.
import type { Alert } from '../alert/types.js';
import type { FieldValue } from './fields.js';
import { MatchMemo, type Condition } from './conditions.js';
import { MAX_MATCHED_LENGTH } from './safe-regex.js';
import type { Playbook, Rule, Step } from './types.js';

interface Outcome {
  holds: boolean;
  /** Held: the conditions that made it hold. Failed: the first failing condition (for any: every branch). */
  reasons: string[];
}

export interface RuleOutcome {
  name: string;
  matched: boolean;
  reasons: string[];
}

export interface MatchResult {
  /** Every rule, in order; rules after one that stops evaluation are reported as not reached. */
  rules: RuleOutcome[];
  /** The rules that apply, in order. */
  matched: Rule[];
  /** The steps of the matched rules in order; a kind already taken by an earlier rule is skipped. */
  steps: Step[];
  /** settings.labels, then each matched rule's labels, without repeats. */
  labels: string[];
  /** A matched rule says suppress: no issue is opened. */
  suppressed: boolean;
}

const MAX_SHOWN = 120;

/** The actual value for explanations: JSON text (quotes and control characters escaped), shortened. */
function shown(value: FieldValue): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  const short = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  if (typeof value === 'string' && value.length > MAX_MATCHED_LENGTH) {
    return `${short} (${value.length} characters; values over ${MAX_MATCHED_LENGTH} are not matched)`;
  }
  return short;
}

function evaluate(condition: Condition, alert: Alert, memo: MatchMemo): Outcome {
  switch (condition.kind) {
    case 'test': {
      const actual = condition.get(alert);
      const holds = condition.test(actual, memo);
      return {
        holds,
        reasons: [
          `${condition.text} ${holds ? 'holds' : 'fails'}: actual ${shown(actual)} (line ${condition.at.line})`,
        ],
      };
    }
    case 'all': {
      const reasons: string[] = [];
      for (const item of condition.items) {
        const outcome = evaluate(item, alert, memo);
        if (!outcome.holds) return outcome;
        reasons.push(...outcome.reasons);
      }
      return { holds: true, reasons };
    }
    case 'any': {
      const reasons: string[] = [];
      for (const item of condition.items) {
        const outcome = evaluate(item, alert, memo);
        if (outcome.holds) return outcome;
        reasons.push(...outcome.reasons);
      }
      return { holds: false, reasons: [`none of any (line ${condition.at.line}) holds: ${reasons.join('; ')}`] };
    }
    case 'not': {
      const inner = evaluate(condition.item, alert, memo);
      return { holds: !inner.holds, reasons: inner.reasons.map((r) => `not (line ${condition.at.line}): ${r}`) };
    }
  }
}

/** Matches one alert. Only a validated Playbook (from loadPlaybook) can be passed, so nothing invalid runs. */
export function matchAlert(playbook: Playbook, alert: Alert): MatchResult {
  const rules: RuleOutcome[] = [];
  const matched: Rule[] = [];
  const memo = new MatchMemo();
  let stoppedBy: Rule | undefined;
  for (const rule of playbook.rules) {
    if (stoppedBy) {
      rules.push({
        name: rule.name,
        matched: false,
        reasons: [`not reached: rule '${stoppedBy.name}' matched and does not continue`],
      });
      continue;
    }
    const outcome = rule.when
      ? evaluate(rule.when, alert, memo)
      : { holds: true, reasons: ['no conditions: matches every alert'] };
    rules.push({ name: rule.name, matched: outcome.holds, reasons: outcome.reasons });
    if (!outcome.holds) continue;
    matched.push(rule);
    if (!rule.continue) stoppedBy = rule;
  }
  const steps: Step[] = [];
  const kinds = new Set<string>();
  for (const step of matched.flatMap((r) => r.steps)) {
    if (kinds.has(step.kind)) continue;
    kinds.add(step.kind);
    steps.push(step);
  }
  const labels = [...new Set([...playbook.settings.labels, ...matched.flatMap((r) => r.labels)])];
  return { rules, matched, steps, labels, suppressed: matched.some((r) => r.suppress) };
}
