// Which playbook a run uses, read from disk: the given path; else the repository's
// .github/kv-alert-playbook.yml when present; else the playbook bundled with the action.
import { readFileSync, statSync } from 'node:fs';
import defaultPlaybook from '../../playbooks/default.yml';
import { UserError, errorMessage } from '../errors.js';
import { formatProblem, loadPlaybook, MAX_PLAYBOOK_BYTES, type LoadResult, type Playbook } from '../playbook/index.js';

export const REPOSITORY_PLAYBOOK = '.github/kv-alert-playbook.yml';
export const BUNDLED_PLAYBOOK = 'playbooks/default.yml (bundled)';

export interface LoadedFile {
  /** The path as given, or BUNDLED_PLAYBOOK; used as the file in `file:line:col` problems. */
  file: string;
  /** The playbook text ('' when it was not read); its hash goes into the plan. */
  text: string;
  result: LoadResult;
}

/** Loads a playbook file; a missing or unreadable file is a UserError, an oversized one a problem (unread). */
export function loadPlaybookFile(path: string): LoadedFile {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError(`playbook ${path}: not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`playbook ${path}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
  }
  if (size > MAX_PLAYBOOK_BYTES) {
    const mib = (size / 1024 / 1024).toFixed(1);
    const message = `playbook is ${mib} MiB; the limit is ${MAX_PLAYBOOK_BYTES / 1024 / 1024} MiB`;
    return { file: path, text: '', result: { ok: false, problems: [{ line: 1, col: 1, message }] } };
  }
  const text = readFileSync(path, 'utf8');
  return { file: path, text, result: loadPlaybook(text) };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The playbook for a run. `path` undefined or the repository default that does not exist → the bundled
 * playbook; any other path must exist.
 */
export function resolvePlaybookFile(path: string | undefined): LoadedFile {
  const wanted = path?.trim() || REPOSITORY_PLAYBOOK;
  if (wanted.replace(/^\.\//, '') === REPOSITORY_PLAYBOOK && !exists(wanted)) {
    return { file: BUNDLED_PLAYBOOK, text: defaultPlaybook, result: loadPlaybook(defaultPlaybook) };
  }
  return loadPlaybookFile(wanted);
}

/** The validated playbook, or a UserError naming the first problem (validate lists them all). */
export function requirePlaybook(path: string | undefined): { file: string; text: string; playbook: Playbook } {
  const { file, text, result } = resolvePlaybookFile(path);
  if (result.ok) return { file, text, playbook: result.playbook };
  const [first] = result.problems;
  const more = result.problems.length - 1;
  throw new UserError(
    `playbook is invalid: ${formatProblem(file, first!)}${more > 0 ? ` (and ${more} more)` : ''}; run 'kv-alert-playbook validate ${file}' for the list`,
  );
}
