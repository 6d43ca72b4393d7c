// CLI entry: same engine as the action. JSON on stdout with --json; errors on stderr as one line `error: …`;
// exit 0 ok, 1 bad input or refused, 2 unexpected failure; no stack trace unless --debug.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError, describeFailure, errorMessage } from './errors.js';
import type { Logger } from './log.js';
import { runExplain } from './modes/explain.js';
import { runTriageCli } from './modes/triage.js';
import { runRemediateCli } from './modes/remediate.js';
import { runRollbackCli } from './modes/rollback.js';
import { runRotateCli } from './modes/rotate.js';
import { runValidateCli } from './modes/validate.js';

interface Command {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run?: (args: { values: Record<string, unknown>; positionals: string[]; log: Logger }) => Promise<number>;
}

const common = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

/** remediate and rotate take the same options: a plan, and how to check it against the issue and approval. */
function gatedCommand(name: 'remediate' | 'rotate', summary: string, run: Command['run']): Command {
  return {
    usage: `kv-alert-playbook ${name} --plan <file> [--dry-run] [--playbook <file>] [--environment <name>] [--cloud <name>] [--issue-author <login>]`,
    summary,
    options: {
      ...common,
      plan: { type: 'string' },
      'dry-run': { type: 'boolean' },
      playbook: { type: 'string' },
      environment: { type: 'string' },
      cloud: { type: 'string' },
      'issue-author': { type: 'string' },
    },
    run,
  };
}

const commands: Record<string, Command> = {
  validate: {
    usage: 'kv-alert-playbook validate <playbook.yml>...',
    summary: 'Check playbooks; prints file:line:col: message for each problem.',
    options: { ...common },
    allowPositionals: true,
    run: runValidateCli,
  },
  explain: {
    usage: 'kv-alert-playbook explain --alert <file|-> [--playbook <file>] [--json]',
    summary: 'Print the normalised alert and why each playbook rule did or did not match.',
    options: { ...common, alert: { type: 'string' }, playbook: { type: 'string' }, json: { type: 'boolean' } },
    run: runExplain,
  },
  triage: {
    usage:
      'kv-alert-playbook triage --alert <file|-> [--playbook <file>] [--dry-run] [--no-azure] [--json] [--cloud <name>] [--workspace <id>]',
    summary:
      'Gather findings, build the plan and open or update the incident issue (needs GITHUB_TOKEN and GITHUB_REPOSITORY unless --dry-run; Azure sign-in from the default credential chain, e.g. az login).',
    options: {
      ...common,
      alert: { type: 'string' },
      playbook: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'no-azure': { type: 'boolean' },
      json: { type: 'boolean' },
      cloud: { type: 'string' },
      workspace: { type: 'string' },
    },
    run: runTriageCli,
  },
  remediate: gatedCommand(
    'remediate',
    "Apply the plan's remediate gate (firewall, access removal) after checking its hash, approval, alert and age (needs GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_RUN_ID).",
    runRemediateCli,
  ),
  rotate: gatedCommand(
    'rotate',
    "Apply the plan's rotate gate (rotate, disable or soft-delete secrets, keys and certificates) after the same checks as remediate.",
    runRotateCli,
  ),
  rollback: {
    usage:
      'kv-alert-playbook rollback --plan <file> --gate remediate [--force] [--dry-run] [--cloud <name>] [--issue-author <login>]',
    summary:
      "Restore the snapshot's network rules and access entries; lists later changes it would overwrite and needs --force for them.",
    options: {
      ...common,
      plan: { type: 'string' },
      gate: { type: 'string' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      cloud: { type: 'string' },
      'issue-author': { type: 'string' },
    },
    run: runRollbackCli,
  },
  demo: {
    usage: 'kv-alert-playbook demo',
    summary: 'Run the full flow on the built-in sandbox.',
    options: { ...common },
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: kv-alert-playbook <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command: --help, --debug (stack traces on errors).',
    "Run 'kv-alert-playbook <command> --help' for a command's options.",
  ].join('\n');
}

const stderrLogger: Logger = {
  debug: (m) => {
    if (process.env.KV_ALERT_PLAYBOOK_DEBUG) process.stderr.write(`debug: ${m}\n`);
  },
  info: (m) => process.stderr.write(`${m}\n`),
  warning: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) throw new UserError(`unknown command '${name}'; run 'kv-alert-playbook --help' for the list`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false });
  } catch (error) {
    throw new UserError(`${name}: ${errorMessage(error)}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  if (!command.run) throw new UserError(`command '${name}' is not available yet`);
  return command.run({ values: parsed.values, positionals: parsed.positionals, log: stderrLogger });
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const oneLine = error instanceof UserError ? errorMessage(error).replace(/\s*\n\s*/g, ' ') : describeFailure(error);
    if (error instanceof UserError) {
      process.stderr.write(`error: ${oneLine}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`error: unexpected failure: ${oneLine}\n`);
      process.exitCode = 2;
    }
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  },
);
