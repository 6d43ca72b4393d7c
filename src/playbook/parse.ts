// From a YAML document to a validated, typed Playbook, reporting every problem with its position.
import { isMap, isScalar, type Node } from 'yaml';
import { parseCidr, type Cidr } from '../net/ip.js';
import { STEP_KINDS, stepModule, type Gate } from '../steps/index.js';
import { parseCondition } from './conditions.js';
import { didYouMean, type Position } from './problems.js';
import { readShape, type ShapeEnv } from './shape.js';
import { ownerShape, ruleLabelsShape, settingsShape } from './sections.js';
import type { Owner, Playbook, Rule, Settings, Step } from './types.js';
import type { Reader, YamlNode } from './yaml-reader.js';

const TOP_KEYS = ['version', 'settings', 'networks', 'owners', 'rules'] as const;
const RULE_KEYS = ['name', 'description', 'when', 'steps', 'suppress', 'continue', 'labels'] as const;
export const NETWORK_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const NETWORK_NAME = new RegExp(NETWORK_NAME_PATTERN);

function readNetworks(reader: Reader, node: YamlNode): Map<string, readonly Cidr[]> {
  const networks = new Map<string, readonly Cidr[]>();
  const map = node === undefined ? undefined : reader.map(node, 'networks');
  for (const { key, keyNode, value } of map ? reader.entries(map, 'networks') : []) {
    if (!NETWORK_NAME.test(key)) {
      reader.report(keyNode, `networks: '${key}' is not a valid network name (letters, digits, '.', '_', '-')`);
      continue;
    }
    const seq = reader.seq(value, `networks.${key}`);
    if (!seq) continue;
    const ranges: Cidr[] = [];
    reader.items(seq).forEach((item, i) => {
      const text = reader.string(item, `networks.${key}[${i}]`);
      if (text === undefined) return;
      const cidr = parseCidr(text);
      if (cidr) ranges.push(cidr);
      else reader.report(item, `networks.${key}[${i}]: '${text}' is not a valid IP address or CIDR`);
    });
    networks.set(key, ranges);
  }
  return networks;
}

function readSettings(reader: Reader, node: YamlNode, env: ShapeEnv): Settings {
  const raw = (node === undefined ? {} : readShape(reader, node, settingsShape, 'settings', env)) ?? {};
  const gates: Settings['gates'] = {};
  for (const gate of ['remediate', 'rotate'] as const) {
    const g = raw.gates?.[gate];
    if (g?.environment) gates[gate] = { environment: g.environment, requireApproval: g['require-approval'] ?? true };
  }
  return {
    lookback: raw.lookback ?? 'P1D',
    ...(raw['workspace-id'] ? { workspaceId: raw['workspace-id'] } : {}),
    labels: raw.labels ?? [],
    reopenClosed: raw['reopen-closed'] ?? true,
    gates,
    planMaxAge: raw['plan-max-age'] ?? 'P7D',
    ...(raw['service-tags'] ? { serviceTags: raw['service-tags'] } : {}),
  };
}

function readOwners(reader: Reader, node: YamlNode, env: ShapeEnv): Owner[] {
  const seq = node === undefined ? undefined : reader.seq(node, 'owners');
  if (!seq) return [];
  const owners: Owner[] = [];
  reader.items(seq).forEach((item, i) => {
    const raw = readShape(reader, item, ownerShape, `owners[${i}]`, env);
    if (!raw?.match?.vault) return;
    owners.push({
      match: { vault: raw.match.vault, ...(raw.match.secret ? { secret: raw.match.secret } : {}) },
      notify: raw.notify ?? [],
      assign: raw.assign ?? [],
      at: reader.at(item),
    });
  });
  return owners;
}

class RulesReader {
  private readonly names = new Map<string, Position>();
  /** The first rule that matches every alert and stops evaluation: later rules are unreachable. */
  private catchAll: { name: string; at: Position } | undefined;

  constructor(
    private readonly reader: Reader,
    private readonly env: ShapeEnv & { lookback: string },
    private readonly settings: Settings,
  ) {}

  read(node: YamlNode): Rule[] {
    const seq = this.reader.seq(node, 'rules');
    if (!seq) return [];
    const rules: Rule[] = [];
    this.reader.items(seq).forEach((item, i) => {
      const rule = this.rule(item, i);
      if (rule) rules.push(rule);
    });
    return rules;
  }

  private rule(node: YamlNode, index: number): Rule | undefined {
    const label = `rules[${index}]`;
    const map = this.reader.map(node, label);
    if (!map) return undefined;
    const fields = new Map(this.reader.entries(map, label, RULE_KEYS).map((e) => [e.key, e]));
    const nameEntry = fields.get('name');
    const name = nameEntry ? this.reader.string(nameEntry.value, `${label}.name`) : undefined;
    if (!nameEntry) this.reader.report(map, `${label}: missing required key 'name'`);
    const at = this.reader.at(map);
    const ruleLabel = name === undefined ? label : `rule '${name}'`;
    if (name !== undefined) {
      const first = this.names.get(name);
      if (first)
        this.reader.report(nameEntry!.value, `duplicate rule name '${name}' (first used at line ${first.line})`);
      else this.names.set(name, this.reader.at(nameEntry!.value));
    }
    if (this.catchAll) {
      this.reader.report(
        nameEntry?.value ?? map,
        `${ruleLabel} can never be reached: rule '${this.catchAll.name}' (line ${this.catchAll.at.line}) matches every alert and does not continue`,
      );
    }
    const whenEntry = fields.get('when');
    const when = whenEntry ? parseCondition(this.reader, this.env, whenEntry.value, `${ruleLabel}.when`) : undefined;
    const flagOf = (key: string) => {
      const e = fields.get(key);
      return e ? (this.reader.boolean(e.value, `${ruleLabel}.${key}`) ?? false) : false;
    };
    const suppress = flagOf('suppress');
    const cont = flagOf('continue');
    const stepsEntry = fields.get('steps');
    const steps = stepsEntry ? this.steps(stepsEntry.value, ruleLabel) : [];
    if (suppress && steps.length > 0) {
      this.reader.report(
        stepsEntry!.keyNode,
        `${ruleLabel}: a suppressed rule opens no issue, so it cannot have steps`,
      );
    }
    const labelsEntry = fields.get('labels');
    const labels = labelsEntry
      ? (readShape(this.reader, labelsEntry.value, ruleLabelsShape, `${ruleLabel}.labels`, this.env) ?? [])
      : [];
    const descriptionEntry = fields.get('description');
    const description = descriptionEntry && this.reader.string(descriptionEntry.value, `${ruleLabel}.description`);
    if (!whenEntry && !cont && !this.catchAll) this.catchAll = { name: name ?? label, at };
    if (name === undefined) return undefined;
    return {
      name,
      ...(description ? { description } : {}),
      ...(when ? { when } : {}),
      steps,
      suppress,
      continue: cont,
      labels,
      at,
    };
  }

  private steps(node: YamlNode, ruleLabel: string): Step[] {
    const seq = this.reader.seq(node, `${ruleLabel}.steps`);
    if (!seq) return [];
    const steps: Step[] = [];
    this.reader.items(seq).forEach((item, i) => {
      const step = this.step(item, `${ruleLabel}.steps[${i}]`);
      if (step) steps.push(step);
    });
    return steps;
  }

  private step(node: YamlNode, label: string): Step | undefined {
    const resolved = this.reader.resolve(node);
    let kindNode: Node;
    let paramsNode: YamlNode;
    if (isScalar(resolved) && typeof resolved.value === 'string') {
      kindNode = resolved;
      paramsNode = undefined;
    } else if (isMap(resolved) && resolved.items.length === 1) {
      kindNode = resolved.items[0]!.key as Node;
      paramsNode = resolved.items[0]!.value as YamlNode;
    } else {
      this.reader.report(node, `${label}: a step is a kind name or a one-key mapping from kind to its parameters`);
      return undefined;
    }
    const kind = this.reader.string(kindNode, label);
    if (kind === undefined) return undefined;
    const module = stepModule(kind);
    if (!module) {
      this.reader.report(
        kindNode,
        `${label}: unknown step kind '${kind}'${didYouMean(kind, STEP_KINDS)}; kinds are ${STEP_KINDS.join(', ')}`,
      );
      return undefined;
    }
    this.checkGate(module.gate, kind, kindNode, label);
    const hasParams = paramsNode !== undefined && !(isScalar(paramsNode) && paramsNode.value === null);
    const before = this.reader.problems.length;
    const raw = hasParams ? readShape(this.reader, paramsNode, module.params, kind, this.env) : {};
    if (raw === undefined || this.reader.problems.length !== before) return undefined;
    const paramsMap = hasParams ? this.reader.resolve(paramsNode) : undefined;
    const params = module.parseParams(raw, this.env, (key, message) => {
      const keyNode =
        key !== undefined && isMap(paramsMap)
          ? paramsMap.items.find((p) => isScalar(p.key) && p.key.value === key)?.key
          : undefined;
      this.reader.report((keyNode as Node | undefined) ?? kindNode, `${kind}${key ? `.${key}` : ''}: ${message}`);
    });
    if (this.reader.problems.length !== before) return undefined;
    return { kind, gate: module.gate, params, at: this.reader.at(kindNode) } as Step;
  }

  private checkGate(gate: Gate | null, kind: string, at: Node, label: string): void {
    if (gate === null || this.settings.gates[gate]) return;
    this.reader.report(
      at,
      `${label}: step '${kind}' needs the ${gate} gate, but settings.gates.${gate}.environment is not set; name the GitHub environment whose approval releases it`,
    );
  }
}

/** Reads the whole document; the result is meaningful only when the reader collected no problems. */
export function readPlaybook(reader: Reader, root: YamlNode): Playbook | undefined {
  const map = reader.map(root, 'playbook');
  if (!map) return undefined;
  const top = new Map(reader.entries(map, 'playbook', TOP_KEYS).map((e) => [e.key, e]));
  const version = top.get('version');
  if (!version) reader.report(map, "playbook: missing required key 'version' (write version: 1)");
  else if (reader.scalar(version.value, 'version') !== 1) {
    reader.report(version.value, `version: only format version 1 is supported, got ${reader.describe(version.value)}`);
  }
  const networks = readNetworks(reader, top.get('networks')?.value);
  const env: ShapeEnv = { networks };
  const settings = readSettings(reader, top.get('settings')?.value, env);
  const owners = readOwners(reader, top.get('owners')?.value, env);
  const rulesEntry = top.get('rules');
  if (!rulesEntry) reader.report(map, "playbook: missing required key 'rules'");
  const rules = rulesEntry
    ? new RulesReader(reader, { ...env, lookback: settings.lookback }, settings).read(rulesEntry.value)
    : [];
  return { version: 1, settings, networks, owners, rules };
}
