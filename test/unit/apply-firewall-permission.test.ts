// A listing denied with a bare 403 (the SDK's paging drops the answer) is explained by the probe: a firewall
// denial adds the temporary rule; a missing role or access policy is named in the error, never "Pagination failed".
import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { firewallException } from '../../src/apply/firewall-exception.js';
import { resolveCloud } from '../../src/azure/cloud.js';
import { createAzureContext } from '../../src/azure/context.js';
import type { Logger } from '../../src/log.js';

const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
// Never asked for a token: these cases make no ARM call (no firewall rule is added).
const az = createAzureContext(resolveCloud('public'), { getToken: async () => null });
const VAULT = {
  resourceId: '/subscriptions/s/resourceGroups/rg-hr/providers/Microsoft.KeyVault/vaults/kv-hr-prod',
  name: 'kv-hr-prod',
  subscriptionId: 's',
  resourceGroup: 'rg-hr',
};

function answered(status: number, code: string, message: string, inner: string): RestError {
  const error = new RestError(message, { statusCode: status, code });
  error.details = { error: { code, message, innerError: { code: inner } } };
  return error;
}

const bare403 = () => new RestError('Pagination failed with unexpected statusCode 403', { statusCode: 403 });

const RBAC_DENIAL =
  "Caller is not authorized to perform action on resource.\r\nCaller: appid=a;oid=b\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/s/resourcegroups/rg-hr/providers/microsoft.keyvault/vaults/kv-hr-prod/secrets/kv-alert-playbook-firewall-probe'\r\nVault: kv-hr-prod;location=northeurope";
const POLICY_DENIAL =
  "The user, group or application 'appid=a;oid=b' does not have secrets get permission on key vault 'kv-hr-prod;location=northeurope'.";

function guarded(probeError: Error) {
  return firewallException(az, VAULT, {
    dryRun: false,
    log: silent,
    timings: { maxRetries: 0 },
    probe: () => Promise.reject(probeError),
  });
}

describe('a bare 403 on a listing', () => {
  it.each([
    ['a missing role (RBAC vault)', answered(403, 'Forbidden', RBAC_DENIAL, 'ForbiddenByRbac'), /getSecret\/action/],
    ['a missing access policy', answered(403, 'Forbidden', POLICY_DENIAL, 'AccessDenied'), /secrets get permission/],
  ])('names %s the probe was denied with, and the vault', async (_label, probeError, permission) => {
    const firewall = guarded(probeError);
    const failure = firewall.guard(() => Promise.reject(bare403())).catch((e: unknown) => e as Error);
    const error = await failure;
    expect(error.message).toMatch(permission);
    expect(error.message).toContain('kv-hr-prod');
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(firewall.rule).toBeUndefined();
  });

  it('keeps the original error when the probe finds nothing to explain it (404)', async () => {
    const firewall = guarded(answered(404, 'SecretNotFound', 'A secret with this name was not found.', 'x'));
    const error = await firewall.guard(() => Promise.reject(bare403())).catch((e: unknown) => e as Error);
    expect(error.message).toBe('Pagination failed with unexpected statusCode 403');
  });
});
