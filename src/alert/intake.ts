// Where the alert comes from: a GitHub event payload, the action's `alert` input, or CLI text. Pure: callers read
// files and stdin and pass text or the parsed event here.
//
//   repository_dispatch  client_payload.alert (object, or JSON text) > client_payload.alertRef (a Defender alert
//                        resource id, fetched later) > client_payload itself
//   workflow_dispatch    inputs.alert (JSON text)
//   `alert` input, CLI   JSON text (alertFromText)
import { UserError } from '../errors.js';
import { isObject, typeName, type JsonObject } from './fields.js';
import { checkPayload, parseJsonObject } from './payload.js';
import { parseAlertResourceId } from './resource-id.js';
import { quote } from './values.js';

export type AlertIntake = { kind: 'alert'; raw: JsonObject } | { kind: 'ref'; resourceId: string };

/** The `alert` input holds JSON text when it starts with `{`; anything else is a file path for the caller to read. */
export function isInlineJson(input: string): boolean {
  return input.trimStart().startsWith('{');
}

/** Alert JSON text (a file's content, stdin, or the `alert` input). `what` names the source in messages. */
export function alertFromText(text: string, what: string): JsonObject {
  return parseJsonObject(text, what);
}

export function intakeFromEvent(eventName: string, payload: unknown): AlertIntake {
  if (!isObject(payload)) throw new UserError(`event payload: expected an object, got ${typeName(payload)}`);
  if (eventName === 'repository_dispatch') return fromRepositoryDispatch(payload);
  if (eventName === 'workflow_dispatch') return fromWorkflowDispatch(payload);
  throw new UserError(
    `event '${eventName}' carries no alert; trigger on repository_dispatch or workflow_dispatch, or set the alert input`,
  );
}

function fromRepositoryDispatch(payload: JsonObject): AlertIntake {
  const clientPayload = payload.client_payload;
  if (!isObject(clientPayload)) {
    throw new UserError(`client_payload: expected an object with the alert, got ${typeName(clientPayload)}`);
  }
  const alert = clientPayload.alert;
  if (alert !== undefined && alert !== null) {
    if (typeof alert === 'string') return { kind: 'alert', raw: alertFromText(alert, 'client_payload.alert') };
    if (!isObject(alert))
      throw new UserError(`client_payload.alert: expected an object or JSON text, got ${typeName(alert)}`);
    checkPayload(alert, 'client_payload.alert');
    return { kind: 'alert', raw: alert };
  }
  const ref = clientPayload.alertRef;
  if (ref !== undefined && ref !== null) {
    if (typeof ref !== 'string' || !parseAlertResourceId(ref)) {
      throw new UserError(
        `client_payload.alertRef: ${quote(ref)} is not a Defender alert resource id (…/providers/Microsoft.Security/locations/{location}/alerts/{name})`,
      );
    }
    return { kind: 'ref', resourceId: ref.trim() };
  }
  checkPayload(clientPayload, 'client_payload');
  return { kind: 'alert', raw: clientPayload };
}

function fromWorkflowDispatch(payload: JsonObject): AlertIntake {
  const inputs = payload.inputs;
  const alert = isObject(inputs) ? inputs.alert : undefined;
  if (typeof alert !== 'string' || alert.trim() === '') {
    throw new UserError('inputs.alert: empty; the workflow_dispatch run needs the alert JSON in its "alert" input');
  }
  return { kind: 'alert', raw: alertFromText(alert, 'inputs.alert') };
}
