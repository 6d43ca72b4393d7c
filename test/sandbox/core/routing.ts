// Which Azure fake a host name belongs to (the HTTPS server serves them all).
import { AZURE_HOSTS, type ServiceName } from './types.js';

export function azureServiceForHost(hostHeader: string): ServiceName | undefined {
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  if (host === AZURE_HOSTS.entra) return 'entra';
  if (host === AZURE_HOSTS.arm) return 'arm';
  if (host === AZURE_HOSTS.logs) return 'logs';
  if (host.endsWith(AZURE_HOSTS.keyvaultSuffix) && host.length > AZURE_HOSTS.keyvaultSuffix.length) return 'keyvault';
  return undefined;
}

/** The error body each service family uses, for answers the core makes itself (faults, unknown host). */
export function errorBody(service: ServiceName | undefined, status: number, code: string, message: string): unknown {
  if (service === 'github')
    return { message, documentation_url: 'https://docs.github.com/rest', status: String(status) };
  if (service === 'entra') return { error: code, error_description: message };
  return { error: { code, message } };
}
