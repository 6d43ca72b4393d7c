// What the CLI takes from its environment, as a workflow step or a person's shell sets it: GitHub from
// GITHUB_TOKEN / GITHUB_REPOSITORY (and GITHUB_API_URL for GitHub Enterprise Server); Azure from the default
// credential chain (az login, environment variables, managed identity) in the cloud --cloud or AZURE_CLOUD names.
import { resolveCloud, type Cloud } from './azure/cloud.js';
import { createAzureContext, type AzureContext } from './azure/context.js';
import { createCredential } from './azure/credential.js';
import { UserError } from './errors.js';
import type { RepoRef } from './github/issues.js';
import { createOctokit, type Octokit } from './github/octokit.js';
import type { Logger } from './log.js';

/** `need` says why GitHub is needed, for the error when the variables are missing. */
export function githubFromEnv(log: Logger, need: string): { gh: Octokit; repo: RepoRef } {
  const token = process.env.GITHUB_TOKEN;
  const [owner, repo, extra] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo || extra !== undefined) {
    throw new UserError(`set GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo): ${need}`);
  }
  return { gh: createOctokit(token, log, process.env.GITHUB_API_URL), repo: { owner, repo } };
}

export function cliCloud(option: unknown): Cloud {
  return resolveCloud(typeof option === 'string' ? option : process.env.AZURE_CLOUD);
}

export function azureFromCli(cloud: Cloud, log: Logger): AzureContext {
  return createAzureContext(cloud, createCredential({ cloud, log }));
}
