// Sovereign clouds: one name sets the authority, ARM, vault suffix, Log Analytics endpoint and audiences together.
import { UserError } from '../errors.js';

export interface Cloud {
  name: CloudName;
  authorityHost: string;
  armEndpoint: string;
  armScope: string;
  /** Host suffix of vaults, e.g. ".vault.azure.net". */
  vaultSuffix: string;
  vaultScope: string;
  /** Log Analytics query endpoint, including the /v1 the SDK expects. */
  logsEndpoint: string;
  logsScope: string;
  portal: string;
}

export const CLOUD_NAMES = ['public', 'usgov', 'china'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

const CLOUDS: Record<CloudName, Cloud> = {
  public: {
    name: 'public',
    authorityHost: 'https://login.microsoftonline.com',
    armEndpoint: 'https://management.azure.com',
    armScope: 'https://management.azure.com/.default',
    vaultSuffix: '.vault.azure.net',
    vaultScope: 'https://vault.azure.net/.default',
    logsEndpoint: 'https://api.loganalytics.io/v1',
    logsScope: 'https://api.loganalytics.io/.default',
    portal: 'https://portal.azure.com',
  },
  usgov: {
    name: 'usgov',
    authorityHost: 'https://login.microsoftonline.us',
    armEndpoint: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.usgovcloudapi.net/.default',
    vaultSuffix: '.vault.usgovcloudapi.net',
    vaultScope: 'https://vault.usgovcloudapi.net/.default',
    logsEndpoint: 'https://api.loganalytics.us/v1',
    logsScope: 'https://api.loganalytics.us/.default',
    portal: 'https://portal.azure.us',
  },
  china: {
    name: 'china',
    authorityHost: 'https://login.chinacloudapi.cn',
    armEndpoint: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    vaultSuffix: '.vault.azure.cn',
    vaultScope: 'https://vault.azure.cn/.default',
    logsEndpoint: 'https://api.loganalytics.azure.cn/v1',
    logsScope: 'https://api.loganalytics.azure.cn/.default',
    portal: 'https://portal.azure.cn',
  },
};

const ALIASES: Record<string, CloudName> = {
  public: 'public',
  azurecloud: 'public',
  usgov: 'usgov',
  azureusgovernment: 'usgov',
  china: 'china',
  azurechinacloud: 'china',
};

/** Accepts our names and the `az cloud` names (AzureCloud, AzureUSGovernment, AzureChinaCloud), any case. */
export function resolveCloud(name: string | undefined): Cloud {
  const key = (name ?? '').trim().toLowerCase() || 'public';
  const resolved = ALIASES[key];
  if (!resolved) throw new UserError(`cloud '${name}' is not one of ${CLOUD_NAMES.join(', ')}`);
  return CLOUDS[resolved];
}

/** https://<vault><suffix> for a vault name. */
export function vaultUrl(cloud: Cloud, vaultName: string): string {
  return `https://${vaultName.toLowerCase()}${cloud.vaultSuffix}`;
}
