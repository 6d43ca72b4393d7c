// `validate`: every problem in the given playbooks as file:line:col: message. The CLI prints them; the
// action annotates the file so they show on the pull request.
import * as core from '@actions/core';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { formatProblem, type Problem } from '../playbook/index.js';
import { loadPlaybookFile, resolvePlaybookFile, type LoadedFile } from './playbook-file.js';

function problemsOf(loaded: LoadedFile): Problem[] {
  return loaded.result.ok ? [] : loaded.result.problems;
}

/** CLI: `kv-alert-playbook validate <file>...`; exit 1 when any file has a problem. */
export async function runValidateCli(args: { positionals: string[]; log: Logger }): Promise<number> {
  const { positionals, log } = args;
  if (positionals.length === 0) throw new UserError('validate: give at least one playbook file');
  let count = 0;
  for (const path of positionals) {
    const problems = problemsOf(loadPlaybookFile(path));
    for (const problem of problems) process.stdout.write(`${formatProblem(path, problem)}\n`);
    count += problems.length;
  }
  const files = `${positionals.length} playbook${positionals.length === 1 ? '' : 's'}`;
  log.info(count === 0 ? `${files} valid` : `${count} problem${count === 1 ? '' : 's'} in ${files}`);
  return count === 0 ? 0 : 1;
}

/** Action mode `validate`: checks the `playbook` input (the bundled default when the default path is absent). */
export async function runValidateAction(log: Logger): Promise<void> {
  const loaded = resolvePlaybookFile(core.getInput('playbook'));
  const problems = problemsOf(loaded);
  for (const problem of problems) {
    core.error(problem.message, { file: loaded.file, startLine: problem.line, startColumn: problem.col });
  }
  if (problems.length > 0) {
    throw new UserError(`playbook ${loaded.file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
  log.info(`playbook ${loaded.file} is valid`);
}
