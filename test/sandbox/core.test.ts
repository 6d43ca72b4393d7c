// The sandbox core with the real Azure HTTP pipeline (the one every SDK client builds): routing by production
// host, the CONNECT proxy for child processes, each kind of fault as a client meets it, and clean shutdown.
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { azureClientOptions, startCore, type FaultRule, type SandboxCore } from './core/index.js';
import { PROJECT_ROOT } from './harness.js';

const started: SandboxCore[] = [];
async function core(faults: FaultRule[] = [], seed = 1): Promise<SandboxCore> {
  const c = await startCore({ faults, seed });
  started.push(c);
  c.setHandler('keyvault', (req) => ({ status: 200, body: { url: req.url.toString(), host: req.headers.host } }));
  c.setHandler('arm', () => ({ status: 200, body: { service: 'arm' } }));
  c.setHandler('entra', () => ({ status: 200, body: { service: 'entra' } }));
  c.setHandler('logs', () => ({ status: 200, body: { service: 'logs' } }));
  return c;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.close()));
});

function send(
  c: SandboxCore,
  url: string,
  options: { timeout?: number; maxRetries?: number } = {},
): Promise<PipelineResponse> {
  const clientOptions = azureClientOptions(c);
  if (options.maxRetries !== undefined) clientOptions.retryOptions.maxRetries = options.maxRetries;
  const pipeline = createPipelineFromOptions(clientOptions);
  return pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url, timeout: options.timeout ?? 0 }));
}

const VAULT_URL = 'https://kv-prod.vault.azure.net/secrets/db-password/?api-version=2025-07-01';

describe('routing', () => {
  it('in-process clients keep production URLs: the handler sees the production host, each host reaches its fake', async () => {
    const c = await core();
    const res = await send(c, VAULT_URL);
    expect(JSON.parse(res.bodyAsText ?? '')).toEqual({ url: VAULT_URL, host: 'kv-prod.vault.azure.net' });
    await send(c, 'https://management.azure.com/subscriptions?api-version=2022-12-01');
    await send(c, 'https://login.microsoftonline.com/t/oauth2/v2.0/token');
    await send(c, 'https://api.loganalytics.io/v1/workspaces/w/query');
    expect(c.requests.map((r) => [r.service, r.host, r.status])).toEqual([
      ['keyvault', 'kv-prod.vault.azure.net', 200],
      ['arm', 'management.azure.com', 200],
      ['entra', 'login.microsoftonline.com', 200],
      ['logs', 'api.loganalytics.io', 200],
    ]);
  });

  it('a child process reaches the fakes through HTTPS_PROXY trusting NODE_EXTRA_CA_CERTS; unfaked hosts are refused', async () => {
    const c = await core();
    const script = `
      import { createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest } from '@azure/core-rest-pipeline';
      const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
      const send = (url) => pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url }));
      const ok = await send(${JSON.stringify(VAULT_URL)});
      const unfaked = await send('https://example.com/');
      console.log(JSON.stringify({ status: ok.status, body: JSON.parse(ok.bodyAsText), unfaked: [unfaked.status, unfaked.bodyAsText] }));`;
    // Asynchronous: the fakes run in this process and must keep answering while the child waits.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HTTPS_PROXY: c.proxyUrl, NODE_EXTRA_CA_CERTS: c.tls.caPath },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { status: number; body: { host: string }; unfaked: [number, string] };
    expect(out.status).toBe(200);
    expect(out.body.host).toBe('kv-prod.vault.azure.net');
    expect(out.unfaked[0]).toBe(502);
    expect(out.unfaked[1]).toContain('nothing fakes example.com:443');
    expect(c.requests.map((r) => r.host)).toEqual(['kv-prod.vault.azure.net']);
  });
});

describe('faults reach the client as the real service would send them', () => {
  it('503 with retry-after-ms is retried by the SDK and then succeeds', async () => {
    const c = await core([
      { name: 'busy', service: 'keyvault', first: 1, fault: { kind: 'status', status: 503, retryAfterMs: 10 } },
    ]);
    expect((await send(c, VAULT_URL)).status).toBe(200);
    expect(c.requests.map((r) => r.fault ?? r.status)).toEqual(['busy', 200]);
  });

  it('429 with Retry-After is retried; 429 without one surfaces as an error after one request', async () => {
    const c = await core([
      { name: 'hinted', path: '^/hinted', first: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 0 } },
    ]);
    c.faults.add({ name: 'bare', path: '^/bare', fault: { kind: 'status', status: 429 } });
    expect((await send(c, 'https://kv-prod.vault.azure.net/hinted')).status).toBe(200);
    const bare = await send(c, 'https://kv-prod.vault.azure.net/bare');
    expect(bare.status).toBe(429);
    expect(JSON.parse(bare.bodyAsText ?? '')).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect(c.requests.map((r) => r.fault ?? r.status)).toEqual(['hinted', 200, 'bare']);
  });

  it('500 is retried with backoff until the retries run out', async () => {
    const c = await core([{ name: 'oops', service: 'arm', fault: { kind: 'status', status: 500 } }]);
    const res = await send(c, 'https://management.azure.com/x');
    expect(res.status).toBe(500);
    expect(c.requests).toHaveLength(3);
    expect(c.faults.status()).toEqual([{ name: 'oops', matched: 3, fired: 3 }]);
  });

  it('a connection reset is a socket error the SDK retries', async () => {
    const c = await core([{ name: 'rst', first: 1, fault: { kind: 'reset' } }]);
    expect((await send(c, VAULT_URL)).status).toBe(200);
    expect(c.requests.map((r) => r.fault ?? r.status)).toEqual(['rst', 200]);
    await expect(send(await core([{ fault: { kind: 'reset' } }]), VAULT_URL, { maxRetries: 0 })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('a hang ends in the client timeout', async () => {
    const c = await core([{ name: 'stuck', fault: { kind: 'hang' } }]);
    // Long enough for the request to arrive on a loaded machine; the fake never answers it.
    await expect(send(c, VAULT_URL, { timeout: 2_000, maxRetries: 0 })).rejects.toThrow();
    expect(c.requests.map((r) => r.fault)).toEqual(['stuck']);
  });

  it('latency delays the answer without changing it; the Nth-request rule fires once', async () => {
    const c = await core([
      { name: 'slow', fault: { kind: 'latency', ms: 5, jitterMs: 5 } },
      { name: 'second', nth: 2, fault: { kind: 'status', status: 500 } },
    ]);
    for (let i = 0; i < 3; i++) expect((await send(c, VAULT_URL, { maxRetries: 0 })).status).toBe(i === 1 ? 500 : 200);
    expect(c.faults.status()).toEqual([
      { name: 'slow', matched: 3, fired: 3 },
      { name: 'second', matched: 3, fired: 1 },
    ]);
  });

  it('probabilistic faults repeat exactly for the same seed', async () => {
    const run = async (seed: number) => {
      const c = await core([{ name: 'flaky', probability: 0.5, fault: { kind: 'status', status: 503 } }], seed);
      for (let i = 0; i < 16; i++) await send(c, VAULT_URL, { maxRetries: 0 });
      return c.requests.map((r) => r.status).join(',');
    };
    const a = await run(7);
    expect(await run(7)).toBe(a);
    expect(a).toContain('503');
    expect(a).toContain('200');
  });
});

describe('shutdown', () => {
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

  it('close() frees every port, even with a hung request and a keep-alive connection open', async () => {
    const c = await core([{ path: 'hang', fault: { kind: 'hang' } }]);
    await send(c, VAULT_URL);
    const hung = send(c, 'https://kv-prod.vault.azure.net/hang', { maxRetries: 0 }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    await c.close();
    expect(await hung).toBeInstanceOf(Error);
    for (const origin of [c.azureOrigin, c.githubOrigin, c.proxyUrl])
      expect(await refused(origin)).toBe('ECONNREFUSED');
  });
});
