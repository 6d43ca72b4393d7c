import { describe, expect, it } from 'vitest';
import { resolveCloud, vaultUrl } from '../../src/azure/cloud.js';
import { describeIdToken } from '../../src/azure/credential.js';

describe('resolveCloud', () => {
  it('defaults to the public cloud and accepts az cloud names', () => {
    expect(resolveCloud(undefined).armEndpoint).toBe('https://management.azure.com');
    expect(resolveCloud('AzureUSGovernment').vaultSuffix).toBe('.vault.usgovcloudapi.net');
    expect(resolveCloud('china').logsEndpoint).toBe('https://api.loganalytics.azure.cn/v1');
  });

  it('refuses an unknown cloud by name', () => {
    expect(() => resolveCloud('mars')).toThrow("cloud 'mars' is not one of public, usgov, china");
  });

  it('builds vault URLs in the cloud of the vault', () => {
    expect(vaultUrl(resolveCloud('public'), 'KV-Prod')).toBe('https://kv-prod.vault.azure.net');
  });
});

describe('describeIdToken', () => {
  const jwt = (claims: object) =>
    ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'c2lnbmF0dXJl'].join('.');

  it('shows iss, sub and aud but nothing of the token itself', () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:o/r:environment:prod',
      aud: 'api://AzureADTokenExchange',
    });
    const text = describeIdToken(token);
    expect(text).toBe(
      'iss="https://token.actions.githubusercontent.com" sub="repo:o/r:environment:prod" aud="api://AzureADTokenExchange"',
    );
    expect(text).not.toContain('c2lnbmF0dXJl');
  });

  it('copes with tokens that are not JWTs', () => {
    expect(describeIdToken('opaque')).toBe('an ID token that is not a JWT');
    expect(describeIdToken('a.!!!.c')).toBe('an ID token whose payload is not JSON');
  });
});
