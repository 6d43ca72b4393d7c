// The step registry: kind → module. Playbook validation, planning and the gated modes look kinds up here.
import { deleteSecrets } from './delete-secrets.js';
import { disableSecrets } from './disable-secrets.js';
import { firewall } from './firewall.js';
import { identifySource } from './identify-source.js';
import { measureImpact } from './measure-impact.js';
import { notify } from './notify.js';
import { revokeAccess } from './revoke-access.js';
import { rotateCertificates } from './rotate-certificates.js';
import { rotateKeys } from './rotate-keys.js';
import { rotateSecrets } from './rotate-secrets.js';
import type { StepModule } from './types.js';

export const STEPS = {
  'identify-source': identifySource,
  'measure-impact': measureImpact,
  notify,
  firewall,
  'revoke-access': revokeAccess,
  'rotate-secrets': rotateSecrets,
  'disable-secrets': disableSecrets,
  'delete-secrets': deleteSecrets,
  'rotate-keys': rotateKeys,
  'rotate-certificates': rotateCertificates,
} as const;

export type StepKind = keyof typeof STEPS;
export const STEP_KINDS = Object.keys(STEPS) as StepKind[];

/** The typed parameters of a step kind, after defaults. */
export type StepParams<K extends StepKind> = ReturnType<(typeof STEPS)[K]['parseParams']>;

export function stepModule(kind: string): StepModule | undefined {
  return Object.hasOwn(STEPS, kind) ? (STEPS[kind as StepKind] as unknown as StepModule) : undefined;
}

export type { Gate, StepEnv, StepModule } from './types.js';
export { GATES } from './types.js';
