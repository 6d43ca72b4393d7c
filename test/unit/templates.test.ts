// The two ARM templates users deploy (docs/azure-identities.json, bridge/azuredeploy.json) must be structurally
// valid, grant exactly the documented roles, and the bridge must send what the action's intake accepts.
// Nothing here talks to Azure: templates are read as data and their expressions parsed and, where we need a
// value (OIDC subjects, the Logic App request), evaluated with a small interpreter of the functions they use.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { intakeFromEvent } from '../../src/alert/intake.js';
import { normalizeAlert } from '../../src/alert/normalize.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Template {
  $schema: string;
  contentVersion: string;
  parameters: Record<
    string,
    { type: string; defaultValue?: Json; allowedValues?: Json[]; minValue?: number; maxValue?: number }
  >;
  variables?: JsonObject;
  resources: Resource[];
  outputs?: JsonObject;
}

interface Resource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: string;
  scope?: string;
  dependsOn?: string[];
  properties?: JsonObject;
  [key: string]: Json | undefined;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

// ---------------------------------------------------------------------------------------------------------
// Expressions: ARM `[...]` and Logic Apps `@...` share one syntax (calls, 'quoted' strings, .member, [index],
// `?` for null-safe access), so one parser serves both.

type Node =
  | { kind: 'lit'; value: Json; text: string }
  | { kind: 'call'; name: string; args: Node[]; text: string }
  | { kind: 'member'; target: Node; key: Node; text: string };

function parseExpression(source: string): Node {
  let pos = 0;
  const ws = () => {
    while (/\s/.test(source[pos] ?? '')) pos++;
  };
  const fail = (what: string): never => {
    throw new Error(`cannot parse expression at ${pos} (${what}): ${source}`);
  };
  const primary = (): Node => {
    ws();
    const start = pos;
    const ch = source[pos];
    if (ch === "'") {
      let value = '';
      pos++;
      for (;;) {
        if (pos >= source.length) fail('unterminated string');
        if (source[pos] === "'") {
          if (source[pos + 1] === "'") {
            value += "'";
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        value += source[pos++];
      }
      return { kind: 'lit', value, text: source.slice(start, pos) };
    }
    const number = /^-?\d+/.exec(source.slice(pos));
    if (number) {
      pos += number[0].length;
      return { kind: 'lit', value: Number(number[0]), text: number[0] };
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(pos));
    if (!ident) return fail('expected a value');
    pos += ident[0].length;
    ws();
    if (ident[0] === 'true' || ident[0] === 'false' || ident[0] === 'null') {
      return { kind: 'lit', value: ident[0] === 'null' ? null : ident[0] === 'true', text: ident[0] };
    }
    if (source[pos] !== '(') return fail(`'${ident[0]}' is not a call`);
    pos++;
    const args: Node[] = [];
    ws();
    if (source[pos] === ')') pos++;
    else {
      for (;;) {
        args.push(postfix());
        ws();
        if (source[pos] === ',') pos++;
        else if (source[pos] === ')') {
          pos++;
          break;
        } else fail("expected ',' or ')'");
      }
    }
    return { kind: 'call', name: ident[0], args, text: source.slice(start, pos) };
  };
  const postfix = (): Node => {
    ws();
    const start = pos;
    let node = primary();
    for (;;) {
      ws();
      if (source[pos] === '?') pos++;
      if (source[pos] === '.') {
        pos++;
        const key = /^[A-Za-z_$][A-Za-z0-9_]*/.exec(source.slice(pos));
        if (!key) fail('expected a member name');
        pos += key![0].length;
        node = { kind: 'member', target: node, key: { kind: 'lit', value: key![0], text: key![0] }, text: '' };
      } else if (source[pos] === '[') {
        pos++;
        const key = postfix();
        ws();
        if (source[pos] !== ']') fail("expected ']'");
        pos++;
        node = { kind: 'member', target: node, key, text: '' };
      } else break;
      node.text = source.slice(start, pos).trim();
    }
    return node;
  };
  const node = postfix();
  ws();
  if (pos !== source.length) fail('trailing text');
  return node;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  if (node.kind === 'call') node.args.forEach((a) => walk(a, visit));
  if (node.kind === 'member') {
    walk(node.target, visit);
    walk(node.key, visit);
  }
}

type Fn = (args: Json[]) => Json;

function evaluate(node: Node, fns: Record<string, Fn>): Json {
  if (node.kind === 'lit') return node.value;
  if (node.kind === 'member') {
    const target = evaluate(node.target, fns);
    const key = evaluate(node.key, fns);
    if (target === null || typeof target !== 'object') return null;
    const value = Array.isArray(target) ? target[Number(key)] : target[String(key)];
    return value === undefined ? null : value;
  }
  const fn = fns[node.name];
  if (!fn) throw new Error(`no evaluator for ${node.name}() in ${node.text}`);
  // `if` is lazy in both languages: only the chosen branch is evaluated.
  if (node.name === 'if') {
    return evaluate(node.args[evaluate(node.args[0]!, fns) ? 1 : 2]!, fns);
  }
  return fn(node.args.map((a) => evaluate(a, fns)));
}

const str = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A Logic Apps string value: `@expr` is the expression's value; `@{expr}` inside text is interpolated. */
function logicAppString(text: string, fns: Record<string, Fn>): Json {
  if (text.startsWith('@') && !text.startsWith('@{') && !text.startsWith('@@')) {
    return evaluate(parseExpression(text.slice(1)), fns);
  }
  let out = '';
  let pos = 0;
  for (let at = text.indexOf('@{'); at >= 0; at = text.indexOf('@{', pos)) {
    out += text.slice(pos, at);
    let end = at + 2;
    let inString = false;
    for (let depth = 1; depth > 0; end++) {
      if (end >= text.length) throw new Error(`unterminated @{ in ${text}`);
      const ch = text[end];
      if (ch === "'") inString = !inString;
      else if (!inString && ch === '{') depth++;
      else if (!inString && ch === '}') depth--;
    }
    out += str(evaluate(parseExpression(text.slice(at + 2, end - 1)), fns));
    pos = end;
  }
  return out + text.slice(pos);
}

/** Functions common to ARM and Logic Apps that our templates use. */
const COMMON: Record<string, Fn> = {
  concat: (a) => a.map(str).join(''),
  format: ([f, ...a]) => String(f).replace(/\{(\d+)\}/g, (_, i: string) => str(a[Number(i)] ?? '')),
  equals: ([a, b]) => a === b,
  not: ([a]) => !a,
  empty: ([a]) => a === '' || a === null || (Array.isArray(a) && a.length === 0),
  split: ([s, d]) => String(s).split(String(d)),
  first: ([a]) => (Array.isArray(a) ? (a[0] ?? null) : String(a).slice(0, 1)),
  last: ([a]) => (Array.isArray(a) ? (a.at(-1) ?? null) : String(a).slice(-1)),
  length: ([a]) => (Array.isArray(a) ? a.length : String(a).length),
  string: ([a]) => str(a ?? null),
  substring: ([s, i, n]) => String(s).substr(Number(i), n === undefined ? undefined : Number(n)),
  createArray: (a) => a,
  if: () => null, // evaluated lazily in evaluate()
};

// ---------------------------------------------------------------------------------------------------------
// ARM template structure

const ARM_FUNCTIONS = new Set([
  ...Object.keys(COMMON),
  'parameters',
  'variables',
  'resourceId',
  'subscriptionResourceId',
  'reference',
  'guid',
  'subscription',
  'resourceGroup',
  'environment',
  'listCallbackUrl',
  'copyIndex',
]);

/** ARM expressions in a template, skipping nested templates evaluated in their own scope (checked on their own). */
function armExpressions(value: Json | undefined, path: string, out: { path: string; node: Node }[]): void {
  if (typeof value === 'string') {
    if (value.startsWith('[') && !value.startsWith('[[')) {
      if (!value.endsWith(']')) throw new Error(`${path}: expression does not end with ']'`);
      out.push({ path, node: parseExpression(value.slice(1, -1)) });
    }
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => armExpressions(v, `${path}[${i}]`, out));
  if (value && typeof value === 'object') {
    const innerScope =
      value.type === 'Microsoft.Resources/deployments' &&
      (value.properties as JsonObject)?.expressionEvaluationOptions !== undefined;
    for (const [key, v] of Object.entries(value)) {
      if (innerScope && key === 'properties') {
        const { template: _inner, ...rest } = v as JsonObject;
        armExpressions(rest, `${path}.properties`, out);
      } else armExpressions(v, `${path}.${key}`, out);
    }
  }
}

/** The name of a resource as the argument texts resourceId() would be given, e.g. ["parameters('x')"]. */
function nameSegments(name: string): string[] {
  if (!name.startsWith('[')) return name.split('/').map((s) => `'${s}'`);
  const node = parseExpression(name.slice(1, -1));
  if (node.kind === 'call' && node.name === 'format' && node.args[0]?.kind === 'lit') {
    if (/^(\{\d+\}\/)*\{\d+\}$/.test(String(node.args[0].value))) return node.args.slice(1).map((a) => a.text);
  }
  return [node.text];
}

/** Problems with one template; `external` lists resource types that exist outside it (referenced, not deployed). */
function checkTemplate(template: Template, external: string[], where = 'template'): string[] {
  const problems: string[] = [];
  if (
    !/^https:\/\/schema\.management\.azure\.com\/schemas\/\d{4}-\d{2}-\d{2}\/\w+Template\.json#$/.test(template.$schema)
  ) {
    problems.push(`${where}: $schema '${template.$schema}' is not an ARM deployment template schema`);
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(template.contentVersion ?? '')) problems.push(`${where}: contentVersion missing`);
  if (!template.parameters || typeof template.parameters !== 'object') problems.push(`${where}: parameters missing`);
  if (!Array.isArray(template.resources)) return [...problems, `${where}: resources missing`];

  for (const [name, p] of Object.entries(template.parameters ?? {})) {
    if (!['string', 'securestring', 'int', 'bool', 'object', 'secureObject', 'array'].includes(p.type)) {
      problems.push(`${where}: parameter ${name} has unknown type '${p.type}'`);
    }
    if (p.allowedValues && p.defaultValue !== undefined && !p.allowedValues.includes(p.defaultValue)) {
      problems.push(`${where}: parameter ${name} default is not an allowed value`);
    }
    const outOfRange =
      typeof p.defaultValue === 'number' &&
      ((p.minValue !== undefined && p.defaultValue < p.minValue) ||
        (p.maxValue !== undefined && p.defaultValue > p.maxValue));
    if (outOfRange) problems.push(`${where}: parameter ${name} default is outside minValue..maxValue`);
  }

  const expressions: { path: string; node: Node }[] = [];
  armExpressions(template as unknown as Json, where, expressions);
  const usedParameters = new Set<string>();
  const usedVariables = new Set<string>();
  const declaredTypes = new Set(template.resources.map((r) => r.type));
  const names = template.resources.map((r) => ({ type: r.type, segments: nameSegments(r.name) }));

  const resolves = (type: string, args: Node[], path: string): void => {
    if (external.includes(type)) return;
    if (!declaredTypes.has(type)) {
      problems.push(`${path}: resourceId('${type}', …) names no resource in the template (and is not external)`);
      return;
    }
    const wanted = args.map((a) => a.text);
    if (!names.some((n) => n.type === type && JSON.stringify(n.segments) === JSON.stringify(wanted))) {
      problems.push(`${path}: resourceId('${type}', ${wanted.join(', ')}) matches no resource's name`);
    }
  };

  for (const { path, node } of expressions) {
    walk(node, (n) => {
      if (n.kind !== 'call') return;
      if (!ARM_FUNCTIONS.has(n.name)) problems.push(`${path}: unknown function ${n.name}()`);
      const literal = n.args[0]?.kind === 'lit' ? String(n.args[0].value) : undefined;
      if (n.name === 'parameters') {
        if (literal === undefined || !Object.hasOwn(template.parameters, literal)) {
          problems.push(`${path}: ${n.text} is not a declared parameter`);
        } else usedParameters.add(literal);
      }
      if (n.name === 'variables') {
        if (literal === undefined || !Object.hasOwn(template.variables ?? {}, literal)) {
          problems.push(`${path}: ${n.text} is not a declared variable`);
        } else usedVariables.add(literal);
      }
      if (n.name === 'resourceId') {
        const typeAt = n.args.findIndex((a) => a.kind === 'lit' && String(a.value).includes('/'));
        if (typeAt < 0) problems.push(`${path}: ${n.text} has no literal resource type`);
        else resolves(String((n.args[typeAt] as { value: Json }).value), n.args.slice(typeAt + 1), path);
      }
    });
  }

  for (const name of Object.keys(template.parameters ?? {})) {
    if (!usedParameters.has(name)) problems.push(`${where}: parameter ${name} is never used`);
  }
  for (const name of Object.keys(template.variables ?? {})) {
    if (!usedVariables.has(name)) problems.push(`${where}: variable ${name} is never used`);
  }

  template.resources.forEach((r, i) => {
    const at = `${where}.resources[${i}] (${r.type})`;
    if (!/^[A-Za-z]+\.[A-Za-z]+\/[A-Za-z/]+$/.test(r.type ?? '')) problems.push(`${at}: bad type`);
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(r.apiVersion ?? '')) problems.push(`${at}: apiVersion missing`);
    if (typeof r.name !== 'string' || r.name === '') problems.push(`${at}: name missing`);
    for (const dep of r.dependsOn ?? []) {
      const node = dep.startsWith('[') ? parseExpression(dep.slice(1, -1)) : undefined;
      if (node?.kind !== 'call' || node.name !== 'resourceId') {
        problems.push(`${at}: dependsOn '${dep}' is not a resourceId()`);
        continue;
      }
      const type = String((node.args[0] as { value: Json }).value);
      if (external.includes(type) || !declaredTypes.has(type)) {
        problems.push(`${at}: dependsOn '${dep}' is not a resource of this template`);
      }
    }
    if (r.type === 'Microsoft.Resources/deployments') {
      const props = r.properties as unknown as { template: Template; parameters?: JsonObject };
      const inner = props.template;
      problems.push(...checkTemplate(inner, external, `${at}.template`));
      const passed = Object.keys(props.parameters ?? {});
      for (const [name, p] of Object.entries(inner.parameters ?? {})) {
        if (!passed.includes(name) && p.defaultValue === undefined)
          problems.push(`${at}: inner parameter ${name} not passed`);
      }
      for (const name of passed) {
        if (!Object.hasOwn(inner.parameters ?? {}, name)) problems.push(`${at}: passes unknown parameter ${name}`);
      }
    }
  });
  return problems;
}

/** Evaluates an ARM expression string with the given parameter values (defaults filled in). */
function armValue(template: Template, expression: Json, values: Record<string, Json>): Json {
  const parameters: Record<string, Json> = {};
  for (const [name, p] of Object.entries(template.parameters)) {
    parameters[name] = values[name] ?? p.defaultValue ?? null;
  }
  const fns: Record<string, Fn> = {
    ...COMMON,
    parameters: ([n]) => parameters[String(n)]!,
    variables: ([n]) => resolve(template.variables![String(n)]!),
    // Azure public cloud.
    environment: () => ({ suffixes: { keyvaultDns: '.vault.azure.net' } }),
  };
  const resolve = (value: Json): Json => {
    if (typeof value === 'string') {
      return value.startsWith('[') ? evaluate(parseExpression(value.slice(1, -1)), fns) : value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return resolve(expression);
}

// ---------------------------------------------------------------------------------------------------------

const ROLE = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  keyVaultReader: '21090545-7ca7-4776-b22c-e363652d74d2',
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893',
  securityReader: '39bc4728-0917-49c7-9d2c-d95423bc2eb4',
  keyVaultContributor: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  keyVaultCryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
} as const;

describe('docs/azure-identities.json', () => {
  const template = readJson<Template>('docs/azure-identities.json');
  const external = ['Microsoft.KeyVault/vaults', 'Microsoft.OperationalInsights/workspaces'];
  const params = { vaultName: 'kv-prod', githubOwner: 'octo-org', githubRepo: 'octo-repo' };

  it('is a structurally valid ARM template', () => {
    expect(template.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    expect(checkTemplate(template, external)).toEqual([]);
  });

  it('creates one user-assigned identity per job, each with a GitHub OIDC credential for its environment', () => {
    const identities = template.resources.filter((r) => r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(identities.map((r) => armValue(template, r.name, params))).toEqual([
      'kv-alert-playbook-triage',
      'kv-alert-playbook-remediate',
      'kv-alert-playbook-rotate',
    ]);
    const credentials = template.resources.filter(
      (r) => r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    );
    const subjects = (values: Record<string, Json>) =>
      credentials.map((c) => {
        const p = c.properties as { issuer: string; audiences: string[]; subject: string };
        expect(p.issuer).toBe('https://token.actions.githubusercontent.com');
        expect(p.audiences).toEqual(['api://AzureADTokenExchange']);
        return armValue(template, p.subject, { ...params, ...values });
      });
    expect(subjects({})).toEqual([
      'repo:octo-org/octo-repo:environment:keyvault-triage',
      'repo:octo-org/octo-repo:environment:keyvault-remediation',
      'repo:octo-org/octo-repo:environment:keyvault-rotation',
    ]);
    expect(subjects({ subjectFormat: 'immutable', githubOwnerId: '1234', githubRepoId: '5678' })).toEqual([
      'repo:octo-org@1234/octo-repo@5678:environment:keyvault-triage',
      'repo:octo-org@1234/octo-repo@5678:environment:keyvault-remediation',
      'repo:octo-org@1234/octo-repo@5678:environment:keyvault-rotation',
    ]);
  });

  it('grants each identity exactly its least-privilege roles', () => {
    // job → role names, from every role assignment (the nested deployments get role and principals as parameters).
    const granted: Record<string, string[]> = { triage: [], remediate: [], rotate: [] };
    const grant = (roleExpr: Json, principalExpr: Json) => {
      const role = /roles'\)\.(\w+)/.exec(String(roleExpr))![1]!;
      for (const [, job] of JSON.stringify(principalExpr).matchAll(/identityNames'\)\.(\w+)/g))
        granted[job!]!.push(role);
    };
    for (const r of template.resources) {
      if (r.type === 'Microsoft.Authorization/roleAssignments') {
        grant(r.properties!.roleDefinitionId!, r.properties!.principalId!);
      } else if (r.type === 'Microsoft.Resources/deployments') {
        const p = r.properties!.parameters as Record<string, { value: Json }>;
        grant(p.roleDefinitionGuid!.value, (p.principalIds ?? p.principalId)!.value);
      }
    }
    for (const job of Object.keys(granted)) granted[job] = [...new Set(granted[job])].sort();
    expect(granted).toEqual({
      triage: ['keyVaultReader', 'logAnalyticsReader', 'reader', 'securityReader'],
      remediate: ['keyVaultContributor', 'rbacAdministrator', 'securityReader'],
      rotate: [
        'keyVaultCertificatesOfficer',
        'keyVaultContributor',
        'keyVaultCryptoOfficer',
        'keyVaultSecretsOfficer',
        'reader',
        'securityReader',
      ],
    });
    // The GUIDs behind the names are Azure's built-in role definition ids.
    const roles = template.variables!.roles as Record<string, string>;
    for (const [name, guid] of Object.entries(roles)) expect(guid).toBe(ROLE[name as keyof typeof ROLE]);
  });

  it('scopes vault roles to the vault, and uses an access policy instead of data roles on access-policy vaults', () => {
    const vaultAssignments = template.resources.filter(
      (r) => r.type === 'Microsoft.Authorization/roleAssignments' && r.scope !== undefined,
    );
    for (const a of vaultAssignments) expect(a.scope).toBe("[variables('vaultScope')]");
    expect(armValue(template, String(template.variables!.vaultScope), params)).toBe(
      'Microsoft.KeyVault/vaults/kv-prod',
    );
    const dataRoles = vaultAssignments.filter((a) =>
      /keyVault(Secrets|Crypto|Certificates)Officer|keyVaultReader|rbacAdministrator/.test(
        String((a.properties as JsonObject).roleDefinitionId),
      ),
    );
    for (const a of dataRoles) expect(a.condition).toBe("[variables('rbacVault')]");
    // Remediate may delete role assignments on the vault, never create one (it could grant itself anything).
    const rbacAdmin = vaultAssignments.find((a) =>
      String(a.properties!.roleDefinitionId).includes('rbacAdministrator'),
    )!;
    expect(rbacAdmin.properties).toMatchObject({
      condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})))",
      conditionVersion: '2.0',
    });
    expect(readFileSync('docs/azure-setup.md', 'utf8')).toContain(
      `--condition "${String(rbacAdmin.properties!.condition)}" --condition-version 2.0`,
    );
    const policy = template.resources.find((r) => r.type === 'Microsoft.KeyVault/vaults/accessPolicies')!;
    expect(policy.condition).toBe("[not(variables('rbacVault'))]");
    const rotate = (policy.properties!.accessPolicies as JsonObject[])[1]!.permissions as Record<string, string[]>;
    expect(rotate.secrets).not.toContain('purge');
    expect(rotate.keys).toContain('rotate');
  });
});

// ---------------------------------------------------------------------------------------------------------

interface HttpAction {
  type: string;
  runtimeConfiguration?: { secureData?: { properties: string[] } };
  inputs: {
    method: string;
    uri: string;
    headers?: Record<string, string>;
    body?: Json;
    authentication?: { type: string; audience: string };
    retryPolicy?: { type: string; count: number };
  };
}

describe('bridge/azuredeploy.json', () => {
  const template = readJson<Template>('bridge/azuredeploy.json');
  const external = ['Microsoft.KeyVault/vaults/secrets', 'Microsoft.Logic/workflows/triggers'];
  const workflow = template.resources.find((r) => r.type === 'Microsoft.Logic/workflows')!;
  const definition = workflow.properties!.definition as {
    parameters: Record<string, JsonObject>;
    triggers: Record<string, { type: string; inputs: { path: string; host: JsonObject } }>;
    actions: Record<string, JsonObject>;
  };
  const ifAction = definition.actions.Alert_fits_in_a_dispatch as unknown as {
    expression: { and: { lessOrEquals: [string, string] }[] };
    actions: Record<string, HttpAction>;
    else: { actions: Record<string, HttpAction> };
  };
  const tokenRead = definition.actions.Read_GitHub_token as unknown as HttpAction;
  const dispatches = [ifAction.actions.Dispatch_alert!, ifAction.else.actions.Dispatch_alert_reference!];
  const armParams = {
    githubOwner: 'octo-org',
    githubRepo: 'octo-repo',
    tokenVaultName: 'kv-bridge',
  } as Record<string, Json>;

  /** The workflow parameters as ARM would set them for armParams. */
  const workflowParameters = (): Record<string, Json> => {
    const values = workflow.properties!.parameters as Record<string, { value: Json }>;
    return Object.fromEntries(
      Object.entries(values).map(([name, { value }]) => [
        name,
        typeof value === 'string' ? armValue(template, value, armParams) : value,
      ]),
    );
  };

  /** Runs the Logic App on a trigger body: the HTTP request it would send to GitHub. */
  const run = (triggerBody: JsonObject) => {
    const parameters = workflowParameters();
    const fns: Record<string, Fn> = {
      ...COMMON,
      triggerBody: () => triggerBody,
      parameters: ([n]) => parameters[String(n)] ?? null,
      body: ([n]) => (n === 'Read_GitHub_token' ? { value: 'ghs_exampletoken' } : null),
      encodeUriComponent: ([s]) => encodeURIComponent(String(s)),
      lessOrEquals: ([a, b]) => Number(a) <= Number(b),
      coalesce: (a) => a.find((v) => v !== null) ?? null,
    };
    const value = (template: Json): Json => {
      if (typeof template === 'string') return logicAppString(template, fns);
      if (Array.isArray(template)) return template.map(value);
      if (template && typeof template === 'object') {
        return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, value(v)]));
      }
      return template;
    };
    const condition = ifAction.expression.and[0]!.lessOrEquals;
    const fits = fns.lessOrEquals!(condition.map((c) => value(c)));
    const action = fits ? dispatches[0]! : dispatches[1]!;
    return {
      method: action.inputs.method,
      uri: value(action.inputs.uri) as string,
      headers: value(action.inputs.headers as Json) as Record<string, string>,
      body: value(action.inputs.body as Json) as { event_type: string; client_payload: JsonObject },
    };
  };

  const triggerBody = readJson<JsonObject>('test/fixtures/bridge/trigger-body.json');

  it('is a structurally valid ARM template', () => {
    expect(template.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
    expect(checkTemplate(template, external)).toEqual([]);
  });

  it('subscribes a Consumption Logic App to Defender alerts and filters the automation to Key Vault alerts', () => {
    const [name, trigger] = Object.entries(definition.triggers)[0]!;
    expect(trigger.type).toBe('ApiConnectionWebhook');
    expect(trigger.inputs.path).toBe('/Microsoft.Security/Alert/subscribe');
    expect(JSON.stringify(trigger.inputs.host)).toContain("['ascalert']");
    const connection = template.resources.find((r) => r.type === 'Microsoft.Web/connections')!;
    expect((connection.properties as { api: { id: string } }).api.id).toBe("[variables('ascalertApiId')]");
    expect(String(template.variables!.ascalertApiId)).toContain("'Microsoft.Web/locations/managedApis'");
    expect(String(template.variables!.ascalertApiId)).toContain("'ascalert'");

    const automation = template.resources.find((r) => r.type === 'Microsoft.Security/automations')!;
    const props = automation.properties as {
      sources: { eventSource: string; ruleSets: { rules: JsonObject[] }[] }[];
      actions: { actionType: string; logicAppResourceId: string; uri: string }[];
    };
    expect(props.sources).toHaveLength(1);
    expect(props.sources[0]!.eventSource).toBe('Alerts');
    const rules = props.sources[0]!.ruleSets.flatMap((s) => s.rules);
    for (const rule of rules) {
      expect(Object.keys(rule).sort()).toEqual(['expectedValue', 'operator', 'propertyJPath', 'propertyType']);
      expect(rule).toMatchObject({ propertyJPath: 'AlertType', propertyType: 'String', operator: 'StartsWith' });
    }
    expect(rules.map((r) => r.expectedValue)).toEqual(['KV_', 'SIMULATED_KV_']);
    expect(props.actions[0]!.actionType).toBe('LogicApp');
    // The automation calls back the very trigger the workflow defines.
    expect(props.actions[0]!.uri).toContain(
      `'Microsoft.Logic/workflows/triggers', parameters('logicAppName'), '${name}'`,
    );
  });

  it('reads the GitHub token from Key Vault with the managed identity, hidden from run history, with retries', () => {
    expect(workflow.identity).toEqual({ type: 'SystemAssigned' });
    expect(tokenRead.inputs.method).toBe('GET');
    expect(tokenRead.inputs.authentication).toEqual({
      type: 'ManagedServiceIdentity',
      audience: "@parameters('vaultAudience')",
    });
    expect(workflowParameters()).toMatchObject({
      tokenSecretUrl: 'https://kv-bridge.vault.azure.net/secrets/github-dispatch-token',
      vaultAudience: 'https://vault.azure.net',
    });
    for (const action of [tokenRead, ...dispatches]) {
      expect(action.runtimeConfiguration?.secureData?.properties).toEqual(['inputs', 'outputs']);
      expect(action.inputs.retryPolicy?.type).toBe('exponential');
    }
    const grant = template.resources.find((r) => r.type === 'Microsoft.Authorization/roleAssignments')!;
    expect(String((grant.properties as JsonObject).roleDefinitionId)).toContain("variables('keyVaultSecretsUser')");
    expect(template.variables!.keyVaultSecretsUser).toBe(ROLE.keyVaultSecretsUser);
    expect(armValue(template, String(grant.scope), armParams)).toBe(
      'Microsoft.KeyVault/vaults/kv-bridge/secrets/github-dispatch-token',
    );
  });

  it('posts the alert as client_payload.alert, which the action takes in and normalises', () => {
    const request = run(triggerBody);
    expect(request.method).toBe('POST');
    expect(request.uri).toBe('https://api.github.com/repos/octo-org/octo-repo/dispatches');
    expect(request.headers).toMatchObject({
      Accept: 'application/vnd.github+json',
      Authorization: 'Bearer ghs_exampletoken',
    });
    expect(request.body.event_type).toBe('defender-keyvault-alert');
    expect(Object.keys(request.body.client_payload)).toEqual(['alert']);
    expect(JSON.stringify(request.body.client_payload).length).toBeLessThanOrEqual(65_535);

    const intake = intakeFromEvent('repository_dispatch', { client_payload: request.body.client_payload });
    expect(intake.kind).toBe('alert');
    if (intake.kind !== 'alert') return;
    const { alert } = normalizeAlert(intake.raw);
    expect(alert).toMatchObject({
      id: 'b7d1c3e2-5f4a-4c1b-9e7d-2a6f8c0d4e11',
      type: 'KV_SuspiciousIPAccess',
      simulated: false,
      severity: 'Medium',
      vault: {
        name: 'kv-payments-prod',
        resourceGroup: 'rg-payments',
        subscriptionId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      },
      source: { ip: '203.0.113.45', objectId: '0d3a9f2e-7c41-4b8e-a5d6-3e2f1c0b9a87' },
    });
  });

  it.each([
    ['camelCase', (k: string) => k],
    ['PascalCase', (k: string) => k[0]!.toUpperCase() + k.slice(1)],
  ])(
    'sends client_payload.alertRef (the alert resource id) for a too large %s alert, which the intake accepts',
    (_casing, key) => {
      const large = Object.fromEntries(Object.entries(triggerBody).map(([k, v]) => [key(k), v]));
      large[key('description')] = 'x'.repeat(70_000);
      const request = run(large);
      expect(Object.keys(request.body.client_payload)).toEqual(['alertRef']);
      const ref =
        '/subscriptions/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f/providers/Microsoft.Security/locations/westeurope/alerts/b7d1c3e2-5f4a-4c1b-9e7d-2a6f8c0d4e11';
      expect(request.body.client_payload.alertRef).toBe(ref);
      expect(intakeFromEvent('repository_dispatch', { client_payload: request.body.client_payload })).toEqual({
        kind: 'ref',
        resourceId: ref,
      });
    },
  );

  it('the checker reports an undeclared parameter, an unused one, a dangling dependsOn and a missing apiVersion', () => {
    const broken = structuredClone(template);
    broken.parameters.unused = { type: 'string' };
    broken.resources[1]!.dependsOn = ["[resourceId('Microsoft.Web/connections', 'other')]"];
    broken.resources[2]!.apiVersion = '';
    (broken.resources[3]!.properties as JsonObject).description = "[parameters('nope')]";
    expect(checkTemplate(broken, external)).toEqual(
      expect.arrayContaining([
        'template: parameter unused is never used',
        "template.resources[1].dependsOn[0]: resourceId('Microsoft.Web/connections', 'other') matches no resource's name",
        'template.resources[2] (Microsoft.Authorization/roleAssignments): apiVersion missing',
        "template.resources[3].properties.description: parameters('nope') is not a declared parameter",
      ]),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('the setup documents match the templates', () => {
  /** `az deployment group create` commands in a markdown file: template path and parameter names given. */
  const deployments = (markdown: string) =>
    [...markdown.replace(/\\\n\s*/g, ' ').matchAll(/az deployment group create([^\n]*)/g)].map(([, args]) => ({
      templateFile: /--template-file (\S+)/.exec(args!)![1]!,
      parameters: [...(/--parameters (.*?)(?: --|$)/.exec(args!)?.[1] ?? '').matchAll(/(\w+)=/g)].map((m) => m[1]!),
    }));

  it.each(['docs/azure-setup.md', 'bridge/README.md'])(
    'every deployment command in %s passes only declared parameters and all required ones',
    (file) => {
      const commands = deployments(readFileSync(file, 'utf8'));
      expect(commands.length).toBeGreaterThan(0);
      for (const { templateFile, parameters } of commands) {
        const template = readJson<Template>(templateFile);
        for (const name of parameters) expect(Object.keys(template.parameters)).toContain(name);
        const required = Object.entries(template.parameters).filter(([, p]) => p.defaultValue === undefined);
        for (const [name] of required) expect(parameters).toContain(name);
      }
    },
  );

  it.each(['docs/azure-setup.md', 'bridge/README.md', 'CONTRIBUTING.md'])(
    'every shell block in %s is valid bash',
    (file) => {
      const blocks = [...readFileSync(file, 'utf8').matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)].map((m) =>
        m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''),
      );
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        const check = spawnSync('bash', ['-n'], { input: block, encoding: 'utf8' });
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
      }
    },
  );

  it('docs/azure-setup.md names exactly the role ids, issuer, audience and environments of the identities template', () => {
    const doc = readFileSync('docs/azure-setup.md', 'utf8');
    const template = readJson<Template>('docs/azure-identities.json');
    const roles = Object.values(template.variables!.roles as Record<string, string>);
    const guids = new Set(doc.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g));
    guids.delete('00000000-0000-0000-0000-000000000000');
    expect([...guids].sort()).toEqual([...roles].sort());
    expect(doc).toContain('--issuer https://token.actions.githubusercontent.com');
    expect(doc).toContain('--audiences api://AzureADTokenExchange');
    const environments = ['triageEnvironment', 'remediationEnvironment', 'rotationEnvironment'].map((p) =>
      String(template.parameters[p]!.defaultValue),
    );
    for (const env of environments) expect(doc).toContain(`\`${env}\``);
    // The example workflow's jobs run in the environments the credentials are bound to.
    const workflow = parse(readFileSync('examples/workflows/keyvault-alert.yml', 'utf8')) as {
      jobs: Record<string, { environment?: string }>;
    };
    expect(['triage', 'remediate', 'rotate'].map((j) => workflow.jobs[j]!.environment)).toEqual(environments);
  });
});
