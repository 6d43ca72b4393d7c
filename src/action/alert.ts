// The alert of an action run: the `alert` input (JSON text or a file path), else the triggering event.
// A repository_dispatch may carry only `alertRef` (the alert was too large): then it is read from Defender.
import { readFile } from 'node:fs/promises';
import * as github from '@actions/github';
import { alertFromText, intakeFromEvent, isInlineJson } from '../alert/intake.js';
import { normalizeAlert, type NormalizedAlert } from '../alert/normalize.js';
import { MAX_PAYLOAD_BYTES } from '../alert/payload.js';
import type { AzureContext } from '../azure/context.js';
import { UserError, errorMessage } from '../errors.js';

const DEFENDER_ALERTS_API = '2022-01-01';

async function readAlertFile(path: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`input alert: ${path}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
  }
  if (data.length > MAX_PAYLOAD_BYTES) throw new UserError(`input alert: ${path}: over the 1 MiB limit`);
  return data.toString('utf8');
}

export async function readActionAlert(alertInput: string, az: AzureContext): Promise<NormalizedAlert> {
  if (alertInput) {
    const text = isInlineJson(alertInput) ? alertInput : await readAlertFile(alertInput);
    return normalizeAlert(alertFromText(text, 'input alert'));
  }
  const intake = intakeFromEvent(github.context.eventName, github.context.payload);
  if (intake.kind === 'alert') return normalizeAlert(intake.raw);
  let fetched: unknown;
  try {
    fetched = await az.arm.get(intake.resourceId, DEFENDER_ALERTS_API);
  } catch (error) {
    throw new UserError(`client_payload.alertRef: could not read the alert from Defender: ${errorMessage(error)}`);
  }
  if (!fetched) throw new UserError(`client_payload.alertRef: no such alert in Defender: ${intake.resourceId}`);
  return normalizeAlert(fetched);
}
