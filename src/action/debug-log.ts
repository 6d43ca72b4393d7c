// With the runner's step debug logging on (ACTIONS_STEP_DEBUG), the Azure side of the run shows in the job's debug
// lines: one line per request from our own policy (src/azure/options.ts), and the SDK's warnings and errors. Not
// the SDK's info lines: they dump whole request objects, and a proxy agent's socket buffers in them hold bearer
// tokens (seen in the secret-hygiene suite with HTTPS_PROXY set).
import { format } from 'node:util';
import * as core from '@actions/core';
import { AzureLogger, setLogLevel } from '@azure/logger';
import { REQUEST_LOG_NAMESPACE } from '../azure/options.js';

const OWN = `azure:${REQUEST_LOG_NAMESPACE}:info `;
const SDK_PROBLEM = /^azure:[\w-]+:(warning|error) /;

export function routeAzureLogToDebug(): void {
  if (!core.isDebug()) return;
  setLogLevel('info');
  AzureLogger.log = (...args: unknown[]) => {
    const text = format(...args);
    if (text.startsWith(OWN)) core.debug(text.trimEnd());
    // Their first line only: what went wrong, not the request or error object printed after it.
    else if (SDK_PROBLEM.test(text)) core.debug(text.split('\n', 1)[0]!.slice(0, 500));
  };
}
