// `kv-alert-playbook explain`: read one alert, normalise it, print it and why each playbook rule did or did not
// match, and the steps that follow. Warnings go to the logger (stderr in the CLI); the result goes to stdout.
import { createReadStream } from 'node:fs';
import { UserError, errorMessage } from '../errors.js';
import { alertFromText } from '../alert/intake.js';
import { normalizeAlert, type NormalizedAlert } from '../alert/normalize.js';
import { MAX_PAYLOAD_BYTES } from '../alert/payload.js';
import type { Alert } from '../alert/types.js';
import type { Logger } from '../log.js';
import { matchAlert, type Playbook } from '../playbook/index.js';
import type { Gate } from '../steps/index.js';
import { requirePlaybook } from './playbook-file.js';

export interface RuleExplanation {
  name: string;
  matched: boolean;
  reasons: string[];
}

/** A step the matched rules lead to, with its parameters after defaults. */
export interface StepExplanation {
  kind: string;
  /** null: read-only, runs at triage; otherwise the gate whose approval it waits for. */
  gate: Gate | null;
  params: unknown;
  /** The rule the step comes from. */
  rule: string;
}

/** `explain --json` output (DESIGN.md). */
export interface ExplainResult {
  alert: Alert;
  rules: RuleExplanation[];
  steps: StepExplanation[];
}

export function explainAlert(normalized: NormalizedAlert, playbook: Playbook): ExplainResult {
  const match = matchAlert(playbook, normalized.alert);
  const ruleOf = new Map(match.matched.flatMap((rule) => rule.steps.map((step) => [step, rule.name] as const)));
  return {
    alert: normalized.alert,
    rules: match.rules,
    steps: match.steps.map((step) => ({
      kind: step.kind,
      gate: step.gate,
      params: step.params,
      rule: ruleOf.get(step) ?? '',
    })),
  };
}

async function readLimited(source: AsyncIterable<Buffer | string>, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_PAYLOAD_BYTES) throw new UserError(`${what}: over the 1 MiB limit`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads `--alert <file|->` (`-` = stdin), refusing more than 1 MiB without reading it all. */
export async function readAlertArg(
  arg: string,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<string> {
  if (arg === '-') return readLimited(stdin, '--alert -');
  try {
    // A stream, so an oversized file is refused after 1 MiB rather than read whole.
    return await readLimited(createReadStream(arg), `--alert ${arg}`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : errorMessage(error);
    throw new UserError(`--alert ${arg}: ${reason}`);
  }
}

const dash = (value: string | undefined) => value ?? '-';

/** Human-readable summary. Every string in it was cleaned or validated by normalisation. */
export function formatExplain(result: ExplainResult, documented: boolean, playbookFile: string): string {
  const a = result.alert;
  const typeNotes = [documented ? 'documented' : 'undocumented', ...(a.simulated ? ['simulated'] : [])];
  const ops = a.operations.map((o) => `${o.name} x${o.count}`).join(', ');
  const lines = [
    `Alert       ${a.id}`,
    `Type        ${a.type} (${typeNotes.join(', ')})`,
    `Name        ${a.displayName}`,
    `Severity    ${a.severity}    Status ${a.status}    Form ${a.form}`,
    `Window      ${a.startTime} .. ${a.endTime}`,
    `Vault       ${a.vault.name} (subscription ${a.vault.subscriptionId}, resource group ${a.vault.resourceGroup})`,
    `            ${a.vault.resourceId}`,
    `Caller IP   ${dash(a.source.ip)}`,
    `Object ID   ${dash(a.source.objectId)}`,
    `UPN         ${dash(a.source.upn)}`,
    `App ID      ${dash(a.source.appId)}`,
    `Tenant      ${dash(a.source.tenantId)}`,
    `User agent  ${dash(a.source.userAgent)}`,
    `Operations  ${ops || '-'}`,
    `Targets     ${a.targets.length ? a.targets.join(', ') : '-'}`,
    '',
    `Playbook    ${playbookFile}`,
    ...result.rules.flatMap((r) => [
      `  ${r.matched ? 'match' : 'no   '}  ${r.name}`,
      ...r.reasons.map((reason) => `           ${reason}`),
    ]),
    '',
    result.steps.length > 0 ? 'Steps' : 'Steps       none',
    ...result.steps.map(
      (s) =>
        `  ${s.kind.padEnd(20)} ${(s.gate ? `gate ${s.gate}` : 'read-only').padEnd(14)} ${JSON.stringify(s.params)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runExplain(args: { values: Record<string, unknown>; log: Logger }): Promise<number> {
  const { values, log } = args;
  const alertArg = values.alert;
  if (typeof alertArg !== 'string' || alertArg === '') {
    throw new UserError('explain: --alert <file|-> is required');
  }
  const { file, playbook } = requirePlaybook(typeof values.playbook === 'string' ? values.playbook : undefined);
  const normalized = normalizeAlert(alertFromText(await readAlertArg(alertArg), `--alert ${alertArg}`));
  for (const warning of normalized.warnings) log.warning(warning);
  const result = explainAlert(normalized, playbook);
  process.stdout.write(
    values.json ? `${JSON.stringify(result, null, 2)}\n` : formatExplain(result, normalized.documented, file),
  );
  return 0;
}
