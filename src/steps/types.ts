// The shape every step kind shares. A module declares its gate and its parameter schema and turns checked
// parameters into typed ones; the triage and gated issues add run()/apply() to the same modules.
import type { Infer, ObjectShape, ShapeEnv } from '../playbook/shape.js';

export const GATES = ['remediate', 'rotate'] as const;
/** A GitHub environment approval protects each gate's changes. */
export type Gate = (typeof GATES)[number];

export interface StepEnv extends ShapeEnv {
  /** settings.lookback (default P1D): the impact window when a step does not set its own. */
  lookback: string;
}

/** Reports a problem with one parameter (by key), or with the step as a whole (key undefined). */
export type ReportParam = (key: string | undefined, message: string) => void;

export interface StepModule<Kind extends string = string, S extends ObjectShape = ObjectShape, Params = unknown> {
  kind: Kind;
  /** null: read-only, runs at triage without approval; otherwise the gate whose approval it waits for. */
  gate: Gate | null;
  summary: string;
  params: S;
  /** Applies defaults and rules that span parameters to shape-checked input. Reported problems void the result. */
  parseParams(raw: Infer<S>, env: StepEnv, report: ReportParam): Params;
}

/** Identity helper that keeps the literal kind and the inferred parameter types. */
export function defineStep<const Kind extends string, const S extends ObjectShape, Params>(
  module: StepModule<Kind, S, Params>,
): StepModule<Kind, S, Params> {
  return module;
}
