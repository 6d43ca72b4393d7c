// The sandbox core's public surface.
export { startCore, type CoreOptions, type SandboxCore } from './server.js';
export { FaultController, type Fault, type FaultRule, type FaultRuleStatus, type FaultDecision } from './faults.js';
export { azureClientOptions, TEST_RETRY_OPTIONS, type AzureClientOptions } from './sdk.js';
export { azureServiceForHost, errorBody } from './routing.js';
export { seededRandom, deriveSeed, type Random } from './prng.js';
export type { SandboxTls } from './tls.js';
export * from './types.js';
