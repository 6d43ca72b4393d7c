// startSandbox: the core (TLS, servers, proxy, log, faults) + the fake GitHub + the fake Azure for one scenario.
import { generateKeyPairSync } from 'node:crypto';
import { createFakeAzure, type AzureState } from './azure/index.js';
import { azureClientOptions, startCore, type AzureClientOptions, type CoreOptions } from './core/index.js';
import type { FaultController } from './core/faults.js';
import type { RequestLogEntry, SandboxContext } from './core/types.js';
import { createFakeGitHub, DEFAULT_ACTION_TOKEN, OIDC_PATH, type GitHubState } from './github/index.js';
import type { SandboxScenario } from './scenario.js';

/** `seed` overrides the scenario's; `faults` are added after the scenario's. */
export interface SandboxOptions extends CoreOptions {
  /** Initial value of the sandbox clock (epoch ms); default the real time. The clock then runs with real time. */
  startTime?: number;
}

export interface Sandbox {
  readonly scenario: SandboxScenario;
  /** http://127.0.0.1:PORT: GITHUB_API_URL (and GITHUB_SERVER_URL) of the fake GitHub; also the OIDC issuer. */
  readonly githubUrl: string;
  /** https://127.0.0.1:PORT of the Azure server (normally reached by production host through the proxy or agent). */
  readonly azureOrigin: string;
  /** http://127.0.0.1:PORT: HTTPS_PROXY for child processes. */
  readonly proxyUrl: string;
  /** CA certificate file for NODE_EXTRA_CA_CERTS, and its PEM. */
  readonly caPath: string;
  readonly caPem: string;
  /** The token the action's identity (`github-actions[bot]`) uses: what `${{ github.token }}` gives it. */
  readonly actionToken: string;
  readonly requests: readonly RequestLogEntry[];
  readonly faults: FaultController;
  readonly github: GitHubState;
  readonly azure: AzureState;
  readonly context: SandboxContext;
  /** Moves the sandbox clock forward (token expiry, search lag, plan age). */
  advanceClock(ms: number): void;
  /** Options for in-process Azure SDK clients and credentials: production URLs, fast test retries. */
  azureClientOptions(): AzureClientOptions;
  /** ACTIONS_ID_TOKEN_REQUEST_URL; pair with `github.oidcRequestToken(job)`. */
  readonly oidcRequestUrl: string;
  /** The variables a process needs to use the sandbox (proxy, CA, GitHub API, OIDC for `job`). */
  env(job?: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startSandbox(scenario: SandboxScenario, options: SandboxOptions = {}): Promise<Sandbox> {
  const core = await startCore({
    seed: options.seed ?? scenario.seed,
    faults: [...(scenario.faults ?? []), ...(options.faults ?? [])],
  });
  let offset = options.startTime === undefined ? 0 : options.startTime - Date.now();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const context: SandboxContext = {
    oidcIssuer: core.githubOrigin,
    oidcPrivateKey: privateKey,
    oidcPublicKey: publicKey,
    now: () => Date.now() + offset,
  };
  try {
    const github = createFakeGitHub(scenario.github, context);
    const azure = createFakeAzure(scenario.azure, context);
    core.setHandler('github', github.handler);
    core.setHandler('entra', azure.handlers.entra);
    core.setHandler('arm', azure.handlers.arm);
    core.setHandler('keyvault', azure.handlers.keyvault);
    core.setHandler('logs', azure.handlers.logs);
    const actionToken = scenario.github.tokens
      ? (Object.entries(scenario.github.tokens).find(([, login]) => login === 'github-actions[bot]')?.[0] ??
        DEFAULT_ACTION_TOKEN)
      : DEFAULT_ACTION_TOKEN;
    const oidcRequestUrl = `${core.githubOrigin}${OIDC_PATH}?api-version=2.0`;
    const firstJob = () => github.state.jobs.keys().next().value ?? 'triage';
    return {
      scenario,
      githubUrl: core.githubOrigin,
      azureOrigin: core.azureOrigin,
      proxyUrl: core.proxyUrl,
      caPath: core.tls.caPath,
      caPem: core.tls.caPem,
      actionToken,
      requests: core.requests,
      faults: core.faults,
      github: github.state,
      azure: azure.state,
      context,
      advanceClock: (ms) => void (offset += ms),
      azureClientOptions: () => azureClientOptions(core),
      oidcRequestUrl,
      env: (job = firstJob()) => ({
        GITHUB_API_URL: core.githubOrigin,
        GITHUB_SERVER_URL: core.githubOrigin,
        GITHUB_GRAPHQL_URL: `${core.githubOrigin}/graphql`,
        GITHUB_REPOSITORY: `${scenario.github.owner}/${scenario.github.repo}`,
        GITHUB_TOKEN: actionToken,
        HTTPS_PROXY: core.proxyUrl,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
        NODE_EXTRA_CA_CERTS: core.tls.caPath,
        ACTIONS_ID_TOKEN_REQUEST_URL: oidcRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.state.oidcRequestToken(job),
      }),
      close: () => core.close(),
    };
  } catch (error) {
    await core.close();
    throw error;
  }
}

export { loadScenario, listScenarios, parseScenario, type SandboxScenario } from './scenario.js';
export { TEST_RETRY_OPTIONS, type AzureClientOptions, type FaultRule, type Fault } from './core/index.js';
