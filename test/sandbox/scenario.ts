// A sandbox scenario: the Azure state (S1's AzureScenario) and the GitHub state, shared by tests, the demo and
// the benchmarks. Shipped scenarios live in ./scenarios/<name>.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AzureScenario } from './azure/scenario.js';
import type { FaultRule } from './core/faults.js';
import type { GitHubScenario } from './github/scenario.js';

export interface SandboxScenario {
  name: string;
  description: string;
  azure: AzureScenario;
  github: GitHubScenario;
  /** Fault and latency rules active from the start (e.g. a latency profile for benchmarks); `path` as regex text. */
  faults?: FaultRule[];
  /** Seed for probabilistic faults and jitter, unless the start options give one. */
  seed?: number;
}

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

export function listScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

// A misspelt key would silently leave the default in place: refuse it instead.
const TOP_KEYS: readonly (keyof SandboxScenario)[] = ['name', 'description', 'azure', 'github', 'faults', 'seed'];
const GITHUB_KEYS: readonly (keyof GitHubScenario)[] = [
  'owner',
  'repo',
  'tokens',
  'labels',
  'issues',
  'environments',
  'runs',
  'jobs',
  'secondaryRateLimit',
  'searchIndexLagSeconds',
  'searchPerMinute',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the top level (the fakes check their own parts when they start) and returns the scenario. */
export function parseScenario(value: unknown, source: string): SandboxScenario {
  const fail = (what: string): never => {
    throw new Error(`sandbox scenario ${source}: ${what}`);
  };
  if (!isObject(value)) return fail('must be a JSON object');
  if (typeof value.name !== 'string' || value.name === '') fail('"name" must be a non-empty string');
  if (typeof value.description !== 'string') fail('"description" must be a string');
  if (!isObject(value.azure)) fail('"azure" must be an object');
  const unknownTop = Object.keys(value).filter((key) => !TOP_KEYS.includes(key as keyof SandboxScenario));
  if (unknownTop.length > 0) fail(`unknown keys ${unknownTop.join(', ')} (known: ${TOP_KEYS.join(', ')})`);
  if (value.faults !== undefined && !Array.isArray(value.faults)) fail('"faults" must be an array of fault rules');
  if (value.seed !== undefined && !Number.isInteger(value.seed)) fail('"seed" must be an integer');
  const github = value.github;
  if (!isObject(github)) return fail('"github" must be an object');
  if (typeof github.owner !== 'string' || typeof github.repo !== 'string')
    fail('"github.owner" and "github.repo" must be strings');
  const unknown = Object.keys(github).filter((key) => !GITHUB_KEYS.includes(key as keyof GitHubScenario));
  if (unknown.length > 0) fail(`unknown "github" keys ${unknown.join(', ')} (known: ${GITHUB_KEYS.join(', ')})`);
  return value as unknown as SandboxScenario;
}

/** A shipped scenario by name (e.g. `tor-reads-three-secrets`) or a path to a scenario JSON file. */
export function loadScenario(nameOrPath: string): SandboxScenario {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(SCENARIO_DIR, `${nameOrPath}.json`);
  if (!existsSync(path)) {
    throw new Error(`sandbox: no scenario '${nameOrPath}' (shipped: ${listScenarios().join(', ')})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `sandbox scenario ${path}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseScenario(json, path);
}
