// The fake Azure: Entra, ARM, Key Vault data plane and Log Analytics over one shared state built from a
// scenario. The sandbox core routes requests to these handlers by host name.
import type { Handler, SandboxContext } from '../core/types.js';
import { createArm } from './arm.js';
import { createEntra } from './entra.js';
import { createKeyVault } from './keyvault.js';
import { createLogs } from './logs.js';
import type { AzureScenario } from './scenario.js';
import { AzureState } from './state.js';
import { issueAccessToken } from './tokens.js';
import { scenarioProblems } from './validate.js';

export interface FakeAzure {
  handlers: { entra: Handler; arm: Handler; keyvault: Handler; logs: Handler };
  state: AzureState;
}

/** Throws (listing every problem) when the scenario's `azure` part is not usable. */
export function createFakeAzure(scenario: AzureScenario, ctx: SandboxContext): FakeAzure {
  const problems = scenarioProblems(scenario);
  if (problems.length > 0) throw new Error(`sandbox scenario: ${problems.join('; ')}`);
  const state = new AzureState(scenario, ctx.oidcIssuer, () => ctx.now());
  return {
    handlers: {
      entra: createEntra(state, ctx),
      arm: createArm(state),
      keyvault: createKeyVault(state),
      logs: createLogs(state),
    },
    state,
  };
}

/**
 * An access token for any identity in the scenario, users included (they have no client credentials):
 * for tests that call a fake as a user. `resource` e.g. https://vault.azure.net.
 */
export function accessTokenFor(state: AzureState, objectId: string, resource: string): string {
  const identity = state.identityByObjectId(objectId);
  if (!identity) throw new Error(`no identity with object id ${objectId}`);
  return issueAccessToken(state, identity, resource);
}

export { AzureState } from './state.js';
export type { AzureScenario } from './scenario.js';
