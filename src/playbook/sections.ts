// Shapes of the playbook's plain sections (settings, owners, a rule's labels), shared by the reader and the JSON Schema.
import { checkDuration } from './duration.js';
import { flag, listOf, object, text } from './shape.js';

const gate = (name: string) =>
  object(
    {
      environment: text(`GitHub environment whose approval releases the ${name} gate's changes.`, { maxLength: 255 }),
      'require-approval': flag('Refuse to apply when the environment has no required reviewers (default true).'),
    },
    `The ${name} gate.`,
    ['environment'],
  );

const labelShape = text('A GitHub label.', { maxLength: 50 });

export const ruleLabelsShape = listOf(labelShape, 'Extra labels on the issue when this rule matches.');

export const settingsShape = object(
  {
    lookback: text('ISO 8601 duration for impact queries (default P1D).', { check: checkDuration }),
    'workspace-id': text('Log Analytics workspace id; else discovered from the vault diagnostic settings.', {
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      patternHint: 'a workspace id (a GUID)',
    }),
    labels: listOf(labelShape, 'Extra labels on every issue.'),
    'reopen-closed': flag('A re-fired alert reopens its closed issue (default true).'),
    gates: object(
      { remediate: gate('remediate'), rotate: gate('rotate') },
      'GitHub environments that gate changes; a rule may use a gated step only when its gate is set here.',
    ),
    'service-tags': text(
      "Path (from the repository root) of Azure's Service Tags JSON (ServiceTags_Public_*.json), to tell Azure addresses in identify-source.",
      { maxLength: 1024 },
    ),
    'plan-max-age': text('How old a plan may be when a gate applies it (ISO 8601 duration, default P7D).', {
      check: checkDuration,
    }),
  },
  'Playbook-wide settings (all optional).',
);

export const ownerShape = object(
  {
    match: object(
      {
        vault: text('Vault name glob (* and ?), case-insensitive.'),
        secret: text('Secret name glob; the entry then covers only those secrets.'),
      },
      'Which vaults (and secrets) the entry covers.',
      ['vault'],
    ),
    notify: listOf(
      text('@user or @org/team.', {
        pattern: '^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?$',
        patternHint: 'a mention (@user or @org/team)',
      }),
      'Who is mentioned on the issue.',
    ),
    assign: listOf(
      text('A GitHub login.', {
        pattern: '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$',
        patternHint: 'a GitHub login',
      }),
      'Who the issue is assigned to.',
    ),
  },
  'An owner entry.',
  ['match'],
);
