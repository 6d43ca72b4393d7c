// startSandbox composes the core, the fake GitHub and the fake Azure: every shipped scenario starts, an
// in-process SDK client authenticates with a GitHub OIDC assertion and reads a secret, and close() frees all ports.
import * as core from '@actions/core';
import { ClientAssertionCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './harness.js';
import { listScenarios, loadScenario, parseScenario, startSandbox } from './index.js';

const refused = (origin: string) =>
  new Promise<string>((resolve) => {
    const { hostname, port } = new URL(origin);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

describe('shipped scenarios', () => {
  it('ships the three documented scenarios', () => {
    expect(listScenarios()).toEqual(['no-diagnostic-settings', 'tor-reads-three-secrets', 'user-on-rbac-vault']);
  });

  it.each(listScenarios())('%s starts, serves its repository and stops leaving no port open', async (name) => {
    const sandbox = await startSandbox(loadScenario(name));
    const origins = [sandbox.githubUrl, sandbox.azureOrigin, sandbox.proxyUrl];
    try {
      const res = await fetch(`${sandbox.githubUrl}/repos/contoso/secops/labels`, {
        headers: { authorization: `token ${sandbox.actionToken}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await sandbox.close();
    }
    for (const origin of origins) expect(await refused(origin)).toBe('ECONNREFUSED');
  });

  it('refuses a misspelt GitHub key instead of silently using the default', () => {
    const scenario = { name: 'x', description: '', azure: {}, github: { owner: 'o', repo: 'r', searchLagSeconds: 5 } };
    expect(() => parseScenario(scenario, 'inline')).toThrow(
      'sandbox scenario inline: unknown "github" keys searchLagSeconds',
    );
  });

  it('starts with the scenario faults and seed, adding the options faults after them', async () => {
    const scenario = {
      ...loadScenario('tor-reads-three-secrets'),
      seed: 5,
      faults: [{ name: 'slow-github', service: 'github' as const, fault: { kind: 'latency' as const, ms: 1 } }],
    };
    const sandbox = await startSandbox(scenario, {
      faults: [{ name: 'down', path: '^/nowhere', fault: { kind: 'reset' } }],
    });
    try {
      await fetch(`${sandbox.githubUrl}/repos/contoso/secops/labels`, {
        headers: { authorization: `token ${sandbox.actionToken}` },
      });
      expect(sandbox.faults.status()).toEqual([
        { name: 'slow-github', matched: 1, fired: 1 },
        { name: 'down', matched: 0, fired: 0 },
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses an unknown scenario name, listing the shipped ones', () => {
    expect(() => loadScenario('nope')).toThrow(/no scenario 'nope' \(shipped: no-diagnostic-settings, /);
  });
});

describe('composed sandbox', () => {
  it('a job bound to an environment gets an OIDC assertion the fake Entra accepts, then reads a secret with production URLs', async () => {
    const scenario = loadScenario('tor-reads-three-secrets');
    const sandbox = await startSandbox(scenario);
    const saved = { ...process.env };
    try {
      const env = sandbox.env('rotate');
      process.env.ACTIONS_ID_TOKEN_REQUEST_URL = env.ACTIONS_ID_TOKEN_REQUEST_URL;
      process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
      const options = sandbox.azureClientOptions();
      const responder = scenario.azure.identities?.find((i) => i.displayName === 'kv-alert-playbook');
      const credential = new ClientAssertionCredential(
        scenario.azure.tenantId,
        responder?.appId ?? '',
        () => core.getIDToken('api://AzureADTokenExchange'),
        options,
      );
      const client = new SecretClient('https://kv-payments-prod.vault.azure.net', credential, options);
      const secret = await client.getSecret('db-password');
      expect(secret.value).toBe('db-password-current');
      const services = sandbox.requests.map((r) => `${r.service} ${r.status}`);
      // @azure/identity 4.14 asks for the assertion more than once per token: count services, not requests.
      expect(services[0]).toBe('keyvault 401');
      expect(services).toContain('github 200');
      expect(services.slice(-2)).toEqual(['entra 200', 'keyvault 200']);
      expect(sandbox.requests.find((r) => r.service === 'github')?.identity).toBe('job:rotate');
    } finally {
      process.env = saved;
      await sandbox.close();
    }
  });
});

describe('child process path (what the bundle gets)', () => {
  it('with only env(job), a child authenticates by OIDC through the proxy and reads a secret', async () => {
    const sandbox = await startSandbox(loadScenario('tor-reads-three-secrets'));
    try {
      const script = `
        import * as core from '@actions/core';
        import { ClientAssertionCredential } from '@azure/identity';
        import { SecretClient } from '@azure/keyvault-secrets';
        const credential = new ClientAssertionCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID,
          () => core.getIDToken('api://AzureADTokenExchange'));
        const client = new SecretClient('https://kv-payments-prod.vault.azure.net', credential);
        console.log((await client.getSecret('stripe-api-key')).value);`;
      const env = {
        PATH: process.env.PATH ?? '',
        ...sandbox.env('remediate'),
        AZURE_TENANT_ID: sandbox.scenario.azure.tenantId,
        AZURE_CLIENT_ID: 'aaaaaaaa-0000-4000-8000-0000000000a1',
      };
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(stderr).not.toMatch(/Error/);
      expect(code).toBe(0);
      // getIDToken logs ::debug:: and ::add-mask:: lines first; the secret is the last line.
      expect(stdout.trim().split('\n').at(-1)).toBe('stripe-api-key-current');
      expect(sandbox.requests.find((r) => r.service === 'github')?.identity).toBe('job:remediate');
    } finally {
      await sandbox.close();
    }
  });
});
