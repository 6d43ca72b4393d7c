// Shared by the rotate executor tests: a scenario with several copies of the payments vault (secrets, a key, a
// certificate), plans for them, a fresh Azure context per run (a new process after a crash), a capturing logger.
import type { Logger } from '../../src/log.js';
import type { Plan, PlanAction, RotateSecretsAction } from '../../src/plan/types.js';
import { loadScenario, type SandboxScenario } from '../sandbox/index.js';
import type { VaultScenario } from '../sandbox/azure/scenario.js';

export const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
export const RG = 'rg-payments';
export const ALERT_ID = '2517538088322968242_tor-0001';
export const RESPONDER_APP = 'aaaaaaaa-0000-4000-8000-0000000000a1';
export const RUNNER_ADDRESS = '198.51.100.10';

/** The versions the TOR caller read (the current version of each secret). */
export const SECRETS = [
  { name: 'db-password', compromisedVersions: ['0f1e2d3c4b5a69788796a5b4c3d2e1f0'] },
  { name: 'stripe-api-key', compromisedVersions: ['1f1e2d3c4b5a69788796a5b4c3d2e1f0'] },
  { name: 'jwt-signing-secret', compromisedVersions: ['2f1e2d3c4b5a69788796a5b4c3d2e1f0'] },
];
export const OLD_KEY_VERSION = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0';
export const COMPROMISED_KEY_VERSION = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';

/**
 * The shipped tor-reads-three-secrets scenario with the vault copied under each name, each copy also holding a key
 * and a self-signed certificate; the responder gets the data-plane roles at the resource group.
 */
export function rotationScenario(vaultNames: string[], edit?: (vault: VaultScenario) => void): SandboxScenario {
  const scenario = loadScenario('tor-reads-three-secrets');
  const template = scenario.azure.vaults?.[0];
  if (!template) throw new Error('scenario has no vault');
  scenario.azure.vaults = vaultNames.map((name) => {
    const vault: VaultScenario = structuredClone({ ...template, name });
    vault.keys = [
      {
        name: 'signing-key',
        versions: [
          { version: OLD_KEY_VERSION, created: '2026-01-01T00:00:00Z' },
          { version: COMPROMISED_KEY_VERSION, created: '2026-06-01T00:00:00Z' },
        ],
      },
    ];
    vault.certificates = [{ name: 'tls-cert', versions: [{ created: '2026-03-01T00:00:00Z' }] }];
    edit?.(vault);
    return vault;
  });
  const responder = scenario.azure.identities?.find((i) => i.appId === RESPONDER_APP);
  if (!responder) throw new Error('scenario has no responder');
  const scope = `/subscriptions/${SUB}/resourceGroups/${RG}`;
  for (const role of [
    'Key Vault Contributor',
    'Key Vault Secrets Officer',
    'Key Vault Crypto Officer',
    'Key Vault Certificates Officer',
  ] as const) {
    scenario.azure.roleAssignments?.push({ principalId: responder.objectId, role, scope });
  }
  return scenario;
}

export function planFor(vaultName: string, actions: PlanAction[]): Plan {
  return {
    format: 1,
    alertId: ALERT_ID,
    alertType: 'KV_TORAccess',
    vault: {
      resourceId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${vaultName}`,
      name: vaultName,
      subscriptionId: SUB,
      resourceGroup: RG,
    },
    createdAt: '2026-11-29T11:00:00.000Z',
    maxAge: 'P7D',
    playbookSha256: '0'.repeat(64),
    rules: ['tor-access'],
    snapshot: {},
    actions,
    notPlanned: [],
  };
}

export function rotateSecretsAction(
  params: Partial<RotateSecretsAction['params']> = {},
  id = 'rotate-1-rotate-secrets',
): RotateSecretsAction {
  return {
    id,
    kind: 'rotate-secrets',
    gate: 'rotate',
    reason: 'the caller read these secrets',
    params: {
      secrets: SECRETS.map((s) => ({ ...s, compromisedVersions: [...s.compromisedVersions] })),
      disable: 'accessed-versions',
      generator: { length: 32, charset: 'alphanumeric' },
      allSecrets: false,
      ...params,
    },
  };
}

export const rotateKeysAction: PlanAction = {
  id: 'rotate-2-rotate-keys',
  kind: 'rotate-keys',
  gate: 'rotate',
  reason: 'the caller used the key',
  params: { keys: [{ name: 'signing-key', compromisedVersions: [COMPROMISED_KEY_VERSION] }], allKeys: false },
};

export const rotateCertificatesAction: PlanAction = {
  id: 'rotate-3-rotate-certificates',
  kind: 'rotate-certificates',
  gate: 'rotate',
  reason: 'the caller read the certificate',
  params: { certificates: [{ name: 'tls-cert' }], allCertificates: false },
};

export interface CapturedLog extends Logger {
  lines: string[];
  masked: string[];
  maskSecret: (value: string) => void;
}

/** A logger that keeps every line, and a mask function that keeps every masked value. */
export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const masked: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return {
    lines,
    masked,
    debug: push('debug'),
    info: push('info'),
    warning: push('warning'),
    error: push('error'),
    maskSecret: (value) => void masked.push(value),
  };
}
