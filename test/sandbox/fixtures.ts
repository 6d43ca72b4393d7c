// Small scenarios for the sandbox's own tests (shipped, realistic ones are in ./scenarios).
import { SUBSCRIPTION, TENANT } from './azure/testing.js';
import type { SandboxScenario } from './scenario.js';

/** A repository with one labelled issue and comment, a pull request, a protected and an unprotected environment. */
export function githubTestScenario(overrides: Partial<SandboxScenario['github']> = {}): SandboxScenario {
  return {
    name: 'github-test',
    description: 'Fake GitHub self-test repository',
    azure: { tenantId: TENANT, subscriptionId: SUBSCRIPTION },
    github: {
      owner: 'contoso',
      repo: 'secops',
      tokens: { ghs_action: 'github-actions[bot]', ghp_alice: 'alice' },
      labels: [{ name: 'kv-alert', color: 'd73a4a', description: 'Key Vault alert' }],
      issues: [
        {
          title: 'Older alert',
          body: '<!-- kv-alert-playbook alert-id="a-1" -->\nfindings',
          labels: ['kv-alert'],
          createdAt: '2026-01-01T00:00:00Z',
          comments: [{ body: 'looked at it', author: 'alice', createdAt: '2026-01-02T00:00:00Z' }],
        },
        { title: 'A pull request', pullRequest: true, author: 'alice', createdAt: '2026-01-03T00:00:00Z' },
      ],
      environments: [
        {
          name: 'keyvault-remediation',
          reviewers: ['alice'],
          teamReviewers: ['secops'],
          preventSelfReview: true,
          waitTimer: 5,
        },
        { name: 'unprotected' },
      ],
      runs: [
        {
          id: 4242,
          attempt: 2,
          approvals: [{ environments: ['keyvault-remediation'], state: 'approved', user: 'alice', comment: 'go' }],
          pendingDeployments: [{ environment: 'keyvault-remediation', currentUserCanApprove: false }],
        },
      ],
      jobs: { triage: {}, remediate: { environment: 'keyvault-remediation' } },
      ...overrides,
    },
  };
}
