// Black-box runner harness: runs the shipped bundle (dist/index.js or dist/cli.js) as a child process with the
// environment a GitHub runner gives an action, pointed at a running sandbox, and collects what it left behind.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { RequestLogEntry } from './core/types.js';
import type { Sandbox } from './index.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunOptions {
  /** Which bundle: the action (`index`, default) or the CLI. */
  entry?: 'index' | 'cli';
  /** CLI arguments (entry `cli`). */
  args?: string[];
  /** Inputs by their action.yml name (e.g. `mode`, `github-token`); action.yml defaults fill the rest. */
  inputs?: Record<string, string>;
  /** The triggering event (default: workflow_dispatch with no inputs). */
  event?: { name: string; payload: unknown };
  /** GITHUB_JOB, which also picks the OIDC subject (a job of the scenario; default its first). */
  job?: string;
  /** GITHUB_RUN_ID (default the scenario's first run, else 1) and GITHUB_RUN_ATTEMPT (default 1). */
  runId?: number;
  runAttempt?: number;
  /** Files to create in the workspace (GITHUB_WORKSPACE, the child's cwd), by relative path. */
  files?: Record<string, string>;
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** Node binary (default: the one running the tests), e.g. a Node 24 for the runner's node24. */
  node?: string;
  stdin?: string;
  /** Kill the child (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** `core.setOutput` values parsed from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** The job summary GITHUB_STEP_SUMMARY received. */
  summary: string;
  /** Workflow commands the action printed (`::error::…`, `::warning …::…`), in order. */
  annotations: { level: 'error' | 'warning' | 'notice'; message: string }[];
  /** Requests the fakes answered during this run. */
  requests: RequestLogEntry[];
  github: Sandbox['github'];
  azure: Sandbox['azure'];
  /** The run's temporary folder (event, outputs, summary, workspace): already removed when the run returns. */
  tempDir: string;
}

/** The INPUT_* variables the runner sets: every action.yml input, its default unless given; names as the runner spells them. */
export function actionInputEnv(inputs: Record<string, string>, githubToken: string): Record<string, string> {
  const action = parseYaml(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const declared = action.inputs ?? {};
  for (const name of Object.keys(inputs)) {
    if (!(name in declared)) throw new Error(`harness: input '${name}' is not declared in action.yml`);
  }
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const raw = inputs[name] ?? (spec.default === undefined ? '' : String(spec.default));
    const value = raw.replace(/\$\{\{\s*github\.token\s*\}\}/g, githubToken);
    if (value.includes('${{'))
      throw new Error(`harness: input '${name}' default '${raw}' has an expression the harness cannot evaluate`);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Parses GITHUB_OUTPUT: `name<<delimiter` blocks (what core.setOutput writes) and plain `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const [, name = '', delimiter] = block;
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`harness: GITHUB_OUTPUT block '${name}' has no closing delimiter`);
      outputs[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}

/** `::error::msg` and `::warning file=…::msg` lines (messages unescaped as the runner does). */
export function parseAnnotations(stdout: string): RunResult['annotations'] {
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const found: RunResult['annotations'] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line);
    if (m) found.push({ level: m[1] as 'error' | 'warning' | 'notice', message: unescape(m[2] ?? '') });
  }
  return found;
}

/** Runs the bundle against the sandbox; temp files (event, outputs, summary, workspace) are removed afterwards. */
export async function runAction(sandbox: Sandbox, options: RunOptions = {}): Promise<RunResult> {
  const entry = options.entry ?? 'index';
  const job = options.job ?? sandbox.github.jobs.keys().next().value ?? 'triage';
  const runId = options.runId ?? sandbox.github.defaultRunId();
  const dir = mkdtempSync(join(tmpdir(), 'kv-harness-'));
  try {
    const workspace = join(dir, 'workspace');
    const runnerTemp = join(dir, 'runner-temp');
    mkdirSync(workspace);
    mkdirSync(runnerTemp);
    for (const [path, content] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      writeFileSync(join(workspace, path), content);
    }
    const event = options.event ?? { name: 'workflow_dispatch', payload: { inputs: {} } };
    const files = {
      event: 'event.json',
      output: 'output',
      summary: 'summary',
      env: 'env',
      path: 'path',
      state: 'state',
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), '');
    writeFileSync(join(dir, files.event), JSON.stringify(event.payload));
    const { owner } = sandbox.scenario.github;
    // The runner does not export GITHUB_TOKEN to an action; the action gets it through its github-token input.
    const { GITHUB_TOKEN: _token, ...sandboxEnv } = sandbox.env(job);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dir,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: join(dir, files.event),
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: String(options.runAttempt ?? sandbox.github.runs.get(runId)?.attempt ?? 1),
      GITHUB_RUN_NUMBER: '1',
      GITHUB_JOB: job,
      GITHUB_ACTION: 'kv-alert-playbook',
      GITHUB_ACTOR: owner,
      GITHUB_WORKFLOW: 'Key Vault alert',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: '0'.repeat(40),
      GITHUB_OUTPUT: join(dir, files.output),
      GITHUB_STEP_SUMMARY: join(dir, files.summary),
      GITHUB_ENV: join(dir, files.env),
      GITHUB_PATH: join(dir, files.path),
      GITHUB_STATE: join(dir, files.state),
      ...sandboxEnv,
      ...(entry === 'cli'
        ? { GITHUB_TOKEN: sandbox.actionToken }
        : actionInputEnv(options.inputs ?? {}, sandbox.actionToken)),
      ...options.env,
    };
    const script = join(PROJECT_ROOT, 'dist', entry === 'cli' ? 'cli.js' : 'index.js');
    const firstRequest = sandbox.requests.length;
    const child = await runChild(options.node ?? process.execPath, [script, ...(options.args ?? [])], {
      cwd: workspace,
      env,
      stdin: options.stdin,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    return {
      ...child,
      outputs: parseOutputFile(read(files.output)),
      summary: read(files.summary),
      annotations: parseAnnotations(child.stdout),
      requests: sandbox.requests.slice(firstRequest),
      github: sandbox.github,
      azure: sandbox.azure,
      tempDir: dir,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function runChild(
  node: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin: string | undefined; timeoutMs: number },
): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`harness: cannot start ${node}: ${error.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, signal, timedOut, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
