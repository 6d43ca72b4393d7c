import { RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { firewallDeniedAddress } from '../../src/apply/firewall-exception.js';
import { describeError } from '../../src/apply/rotate-calls.js';

// Key Vault's answers as the SDK surfaces them (FACTS §3.1): the message is the service's, details the body.
function denial(status: number, code: string, message: string, inner?: string): RestError {
  const body = { error: { code, message, ...(inner ? { innerError: { code: inner } } : {}) } };
  const error = new RestError(message, { statusCode: status, code });
  error.details = body;
  return error;
}

const FIREWALL =
  'Client address is not authorized and caller is not a trusted service.\r\nClient address: 20.61.146.97\r\nCaller: appid=a;oid=b;iss=https://sts.windows.net/t/\r\nVault: kv-prod;location=westeurope';

describe('firewallDeniedAddress', () => {
  it('takes the client address from a ForbiddenByFirewall denial', () => {
    expect(firewallDeniedAddress(denial(403, 'Forbidden', FIREWALL, 'ForbiddenByFirewall'))).toBe('20.61.146.97');
  });

  it('reads the body from the response text when the SDK kept no details', () => {
    const error = new RestError(FIREWALL, { statusCode: 403, code: 'Forbidden' });
    Object.assign(error, {
      response: { bodyAsText: JSON.stringify({ error: { innererror: { code: 'ForbiddenByFirewall' } } }) },
    });
    expect(firewallDeniedAddress(error)).toBe('20.61.146.97');
  });

  it('is undefined for a missing role, a network security perimeter, other statuses and a bad address', () => {
    const rbac = 'Caller is not authorized to perform action on resource.\r\nClient address: 20.61.146.97';
    expect(firewallDeniedAddress(denial(403, 'Forbidden', rbac, 'ForbiddenByRbac'))).toBeUndefined();
    expect(firewallDeniedAddress(denial(403, 'Forbidden', 'Request was not allowed by NSP rules.'))).toBeUndefined();
    expect(firewallDeniedAddress(denial(401, 'Unauthorized', FIREWALL, 'ForbiddenByFirewall'))).toBeUndefined();
    const bad = FIREWALL.replace('20.61.146.97', '020.61.146.97');
    expect(firewallDeniedAddress(denial(403, 'Forbidden', bad, 'ForbiddenByFirewall'))).toBeUndefined();
    expect(firewallDeniedAddress(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('describeError', () => {
  it('gives one line with the status and code', () => {
    expect(describeError(denial(403, 'Forbidden', FIREWALL, 'ForbiddenByFirewall'))).toBe(
      'HTTP 403 Forbidden: Client address is not authorized and caller is not a trusted service. Client address: 20.61.146.97 Caller: appid=a;oid=b;iss=https://sts.windows.net/t/ Vault: kv-prod;location=westeurope',
    );
    expect(describeError(new Error('socket hang up'))).toBe('socket hang up');
  });
});
