// Recognises which of the five Defender alert forms a payload is, and reads each form's fields into one view.
// The view holds raw (type-checked) values with the field names the alert used; normalize.ts validates them.
//
// Recognition, in this order (keys case-insensitive):
//   activity-log         operationName(.value) = Microsoft.Security/locations/alerts/activate/action; data in properties{}
//   rest                 properties{} with type Microsoft.Security/Locations/alerts or properties.alertType
//   log-analytics        flat with AlertName or AlertSeverity (SecurityAlert row; Entities etc. are JSON strings)
//   workflow-automation  flat, camelCase `alertType` (Logic App templates' shape), or PascalCase without export markers
//   event-hub            flat PascalCase with a marker only continuous export adds (AlertUri, ProviderAlertStatus,
//                        ConfidenceLevel, CorrelationKey, ExtendedProperties.EffectiveAzureResourceId)
// The PascalCase workflow-automation and Event Hub bodies are documented with the same fields, so telling them apart
// is best effort; `form` is informational and no field is read differently because of it.
import { UserError } from '../errors.js';
import { Fields, isObject, typeName, type JsonObject } from './fields.js';
import { parseJson } from './payload.js';
import { parseAlertResourceId } from './resource-id.js';
import type { AlertForm } from './types.js';

export interface Field<T = string> {
  name: string;
  value: T;
}

export interface AlertView {
  form: AlertForm;
  type?: Field;
  /** Display name to recognise a type by when the form carries none (Activity Log). */
  typeFromDisplayName?: Field;
  id?: Field;
  displayName?: Field;
  severity?: Field;
  status?: Field;
  startTime?: Field;
  endTime?: Field;
  /** The vault id the form declares at the top (AzureResourceId, ResourceId). */
  resourceId?: Field;
  compromisedEntity?: Field;
  /** Activity Log event time: the window of last resort, after ExtendedProperties "Start/End Time UTC". */
  eventTime?: Field;
  entities?: Field<unknown[]>;
  resourceIdentifiers?: Field<unknown[]>;
  extendedProperties?: Fields;
  /** Subscription and resource group the alert lives in, to place a vault named only by CompromisedEntity. */
  context: { subscriptionId?: string; resourceGroup?: string; source?: string };
}

const ACTIVATE = 'microsoft.security/locations/alerts/activate/action';
const EXPORT_MARKERS = ['AlertUri', 'ProviderAlertStatus', 'ConfidenceLevel', 'CorrelationKey'];

/** A list (`value` or `records` array) instead of one alert: refused with the count. */
function refuseList(root: Fields): void {
  for (const key of ['value', 'records']) {
    const hit = root.entry(key);
    if (hit && Array.isArray(hit.value) && !root.has('alertType') && !root.has('properties')) {
      throw new UserError(`${hit.name}: a list of ${hit.value.length} alerts; pass one alert`);
    }
  }
}

export function readForm(raw: JsonObject): AlertView {
  const root = new Fields(raw, 'alert');
  refuseList(root);
  const operation = root.entry('operationName');
  if (operation) return readActivityLog(root, operation);
  const properties = root.entry('properties');
  if (properties && isObject(properties.value)) {
    const inner = new Fields(properties.value, properties.name);
    const type = root.entry('type');
    if (
      inner.has('alertType') ||
      (typeof type?.value === 'string' && /^microsoft\.security\/locations\/alerts$/i.test(type.value))
    ) {
      return readRest(root, inner);
    }
  }
  if (root.has('AlertName') || root.has('AlertSeverity')) return readLogAnalytics(root);
  refuseWrapper(root);
  return readFlat(root);
}

/** An event or client_payload saved whole: say which part holds the alert instead of "no AlertType". */
function refuseWrapper(root: Fields): void {
  if (root.has('AlertType')) return;
  if (root.has('client_payload')) {
    throw new UserError('alert: this is a repository_dispatch event; pass its client_payload.alert');
  }
  const inner = root.entry('alert');
  if (inner && (isObject(inner.value) || typeof inner.value === 'string')) {
    throw new UserError(`${inner.name}: the alert is wrapped; pass the value of this key`);
  }
}

/** An array field; Log Analytics (and some re-serialisers) send it as a JSON string. */
function arrayField(fields: Fields, name: string): Field<unknown[]> | undefined {
  const hit = fields.entry(name);
  if (!hit) return undefined;
  const value = typeof hit.value === 'string' ? parseJson(hit.value, hit.name) : hit.value;
  if (!Array.isArray(value)) throw new UserError(`${hit.name}: expected an array, got ${typeName(value)}`);
  return { name: hit.name, value };
}

function objectField(fields: Fields, name: string): Fields | undefined {
  const hit = fields.entry(name);
  if (!hit) return undefined;
  const value = typeof hit.value === 'string' ? parseJson(hit.value, hit.name) : hit.value;
  if (!isObject(value)) throw new UserError(`${hit.name}: expected an object, got ${typeName(value)}`);
  return new Fields(value, hit.name);
}

/** Reads the fields shared by the flat forms and the REST `properties` object. */
function readCommon(fields: Fields, form: AlertForm): AlertView {
  const view: AlertView = { form, context: {} };
  const set = <K extends keyof AlertView>(key: K, value: AlertView[K] | undefined) => {
    if (value !== undefined) view[key] = value;
  };
  set('type', fields.string('AlertType'));
  set('id', fields.string('SystemAlertId'));
  set('displayName', fields.string('AlertDisplayName', 'DisplayName'));
  set('severity', fields.string('Severity', 'ReportedSeverity'));
  set('status', fields.string('Status'));
  set('startTime', fields.string('StartTimeUtc'));
  set('endTime', fields.string('EndTimeUtc'));
  set('resourceId', fields.string('AzureResourceId'));
  set('compromisedEntity', fields.string('CompromisedEntity'));
  set('entities', arrayField(fields, 'Entities'));
  set('resourceIdentifiers', arrayField(fields, 'ResourceIdentifiers'));
  set('extendedProperties', objectField(fields, 'ExtendedProperties'));
  const uri = fields.string('AlertUri');
  // Portal deep link: …/alertId/{id}/subscriptionId/{sub}/resourceGroup/{rg}/…
  const m = uri && /\/subscriptionId\/([^/?#]+)\/resourceGroup\/([^/?#]+)\//i.exec(uri.value);
  if (m) view.context = { subscriptionId: m[1], resourceGroup: m[2], source: uri!.name };
  return view;
}

function readFlat(root: Fields): AlertView {
  const view = readCommon(root, 'workflow-automation');
  const camel = root.entries().some(([key]) => key === 'alertType');
  const exported =
    EXPORT_MARKERS.some((key) => root.has(key)) || view.extendedProperties?.has('EffectiveAzureResourceId') === true;
  if (!camel && exported) view.form = 'event-hub';
  return view;
}

function readRest(root: Fields, properties: Fields): AlertView {
  const view = readCommon(properties, 'rest');
  const name = root.string('name');
  if (!view.id && name) view.id = name;
  const id = root.string('id');
  const parsed = id && parseAlertResourceId(id.value);
  if (parsed?.resourceGroup) {
    view.context = { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, source: id!.name };
  }
  return view;
}

function readLogAnalytics(root: Fields): AlertView {
  const view = readCommon(root, 'log-analytics');
  // Sentinel assigns its own SystemAlertId; VendorOriginalId is Defender's id, the one every other form carries.
  const vendorId = root.string('VendorOriginalId');
  if (vendorId) view.id = vendorId;
  const displayName = root.string('AlertName', 'DisplayName', 'AlertDisplayName');
  if (displayName) view.displayName = displayName;
  const severity = root.string('AlertSeverity', 'Severity');
  if (severity) view.severity = severity;
  const start = root.string('StartTime', 'StartTimeUtc');
  if (start) view.startTime = start;
  const end = root.string('EndTime', 'EndTimeUtc');
  if (end) view.endTime = end;
  const resourceId = root.string('ResourceId', 'AzureResourceId');
  if (resourceId) view.resourceId = resourceId;
  return view;
}

function readActivityLog(root: Fields, operation: Field<unknown>): AlertView {
  const op = isObject(operation.value) ? new Fields(operation.value, operation.name).string('value') : undefined;
  const opName = typeof operation.value === 'string' ? operation.value : op?.value;
  if (!opName || opName.toLowerCase() !== ACTIVATE) {
    throw new UserError(`${operation.name}: this Activity Log event is not a Defender alert activation`);
  }
  const properties = root.object('properties');
  if (!properties) throw new UserError('alert.properties: missing from the Activity Log event');
  const fields = new Fields(properties.value, properties.name);
  const view = readCommon(fields, 'activity-log');
  // The Activity Log flattens the alert's extended properties into `properties` itself.
  if (!view.extendedProperties) view.extendedProperties = fields;
  if (!view.type) {
    const eventName = root.object('eventName');
    const name = eventName && new Fields(eventName.value, eventName.name).string('value');
    if (name) view.typeFromDisplayName = name;
  }
  if (!view.displayName && view.typeFromDisplayName) view.displayName = view.typeFromDisplayName;
  const resourceId = root.string('resourceId');
  const alert = resourceId && parseAlertResourceId(resourceId.value);
  if (!view.id && alert) view.id = { name: resourceId!.name, value: alert.name };
  if (!view.status) {
    const status = root.entry('status');
    const value = status && isObject(status.value) ? new Fields(status.value, status.name).string('value') : undefined;
    if (value) view.status = value;
    else if (typeof status?.value === 'string') view.status = { name: status.name, value: status.value };
  }
  const timestamp = root.string('eventTimestamp');
  if (timestamp) view.eventTime = timestamp;
  const sub = root.string('subscriptionId');
  const rg = root.string('resourceGroupName');
  if (sub && rg)
    view.context = { subscriptionId: sub.value, resourceGroup: rg.value, source: `${sub.name} and ${rg.name}` };
  return view;
}
