// The action's run: read the mode, delegate to it, fail with one clear message.
import * as core from '@actions/core';
import { UserError, describeFailure, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { runTriageAction } from '../modes/triage.js';
import { runRemediateAction } from '../modes/remediate.js';
import { runRotateAction } from '../modes/rotate.js';
import { runValidateAction } from '../modes/validate.js';
import { routeAzureLogToDebug } from './debug-log.js';

const MODES = ['triage', 'remediate', 'rotate', 'validate'] as const;
type Mode = (typeof MODES)[number];

type ModeRunner = (log: Logger) => Promise<void>;

// Modes are registered here as they are implemented.
const runners: Partial<Record<Mode, ModeRunner>> = {
  remediate: runRemediateAction,
  rotate: runRotateAction,
  triage: runTriageAction,
  validate: runValidateAction,
};

export const coreLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
};

function readMode(): Mode {
  const raw = core.getInput('mode').trim() || 'triage';
  const mode = MODES.find((m) => m === raw.toLowerCase());
  if (!mode) throw new UserError(`input mode: '${raw}' is not one of ${MODES.join(', ')}`);
  return mode;
}

export async function run(): Promise<void> {
  try {
    const mode = readMode();
    routeAzureLogToDebug();
    const runner = runners[mode];
    if (!runner) throw new UserError(`mode ${mode} is not available yet`);
    await runner(coreLogger);
  } catch (error) {
    const message = error instanceof UserError ? errorMessage(error).replace(/\s*\n\s*/g, ' ') : describeFailure(error);
    core.setFailed(error instanceof UserError ? message : `unexpected failure: ${message}`);
    if (!(error instanceof UserError) && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
