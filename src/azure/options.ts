// The one options object every Azure client gets. Proxies (HTTPS_PROXY/NO_PROXY) and extra CAs
// (NODE_EXTRA_CA_CERTS) come from the environment, as the SDK reads them by default.
export interface AzureClientOptions {
  userAgentOptions: { userAgentPrefix: string };
  retryOptions: { maxRetries: number };
}

export const USER_AGENT = 'kv-alert-playbook/0.1.0';

export function azureClientOptions(): AzureClientOptions {
  return { userAgentOptions: { userAgentPrefix: USER_AGENT }, retryOptions: { maxRetries: 3 } };
}
