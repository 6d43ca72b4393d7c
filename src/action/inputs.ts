// The action's inputs, read and checked once (action.yml documents each one).
import * as core from '@actions/core';
import { UserError } from '../errors.js';

export interface ActionInputs {
  playbook: string;
  alert: string;
  plan: string;
  githubToken: string;
  azureClientId?: string;
  azureTenantId?: string;
  azureSubscriptionId?: string;
  workspaceId?: string;
  cloud: string;
  dryRun: boolean;
}

const optional = (name: string) => core.getInput(name).trim() || undefined;

function booleanInput(name: string): boolean {
  const raw = core.getInput(name).trim();
  if (raw === '') return false;
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  throw new UserError(`input ${name}: '${raw}' is not true or false`);
}

export function readInputs(): ActionInputs {
  return {
    playbook: core.getInput('playbook').trim(),
    alert: core.getInput('alert').trim(),
    plan: core.getInput('plan').trim(),
    githubToken: core.getInput('github-token').trim(),
    azureClientId: optional('azure-client-id'),
    azureTenantId: optional('azure-tenant-id'),
    azureSubscriptionId: optional('azure-subscription-id'),
    workspaceId: optional('log-analytics-workspace-id'),
    cloud: core.getInput('cloud').trim() || 'public',
    dryRun: booleanInput('dry-run'),
  };
}
