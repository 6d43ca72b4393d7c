// Guide step 2 for an unknown app or user: remove its access, or restrict it to what it must keep (gate remediate).
import { listOf, object, oneOf } from '../playbook/shape.js';
import { defineStep } from './types.js';

// Access-policy permission names (Microsoft.KeyVault/vaults accessPolicies), lower-case as the API returns them.
const SECRET_PERMISSIONS = ['get', 'list', 'set', 'delete', 'backup', 'restore', 'recover', 'purge'] as const;
const KEY_PERMISSIONS = [
  'get',
  'list',
  'update',
  'create',
  'import',
  'delete',
  'recover',
  'backup',
  'restore',
  'decrypt',
  'encrypt',
  'unwrapkey',
  'wrapkey',
  'verify',
  'sign',
  'purge',
  'release',
  'rotate',
  'getrotationpolicy',
  'setrotationpolicy',
] as const;
const CERTIFICATE_PERMISSIONS = [
  'get',
  'list',
  'delete',
  'create',
  'import',
  'update',
  'managecontacts',
  'getissuers',
  'listissuers',
  'setissuers',
  'deleteissuers',
  'manageissuers',
  'recover',
  'purge',
  'backup',
  'restore',
] as const;

export interface KeptPermissions {
  secrets: string[];
  keys: string[];
  certificates: string[];
}

export interface RevokeAccessParams {
  /** remove: delete the principal's access-policy entry or role assignments; restrict: keep only keepPermissions. */
  mode: 'remove' | 'restrict';
  keepPermissions: KeptPermissions;
}

export const revokeAccess = defineStep({
  kind: 'revoke-access',
  gate: 'remediate',
  summary: "Remove the calling principal's access to the vault, or restrict it to the permissions listed.",
  params: object(
    {
      mode: oneOf(
        ['remove', 'restrict'],
        'remove (default): take all access away; restrict: keep only keep-permissions.',
      ),
      'keep-permissions': object(
        {
          secrets: listOf(oneOf(SECRET_PERMISSIONS, 'A secret permission.'), 'Secret permissions to keep.'),
          keys: listOf(oneOf(KEY_PERMISSIONS, 'A key permission.'), 'Key permissions to keep.'),
          certificates: listOf(
            oneOf(CERTIFICATE_PERMISSIONS, 'A certificate permission.'),
            'Certificate permissions to keep.',
          ),
        },
        'With mode restrict: the permissions the principal keeps.',
      ),
    },
    'Access revocation parameters.',
  ),
  parseParams: (raw, _env, report): RevokeAccessParams => {
    const mode = raw.mode ?? 'remove';
    const keep = raw['keep-permissions'];
    if (mode === 'remove' && keep) report('keep-permissions', 'keep-permissions applies only with mode: restrict');
    if (mode === 'restrict' && !keep) report('mode', 'mode restrict needs keep-permissions (what the principal keeps)');
    return {
      mode,
      keepPermissions: { secrets: keep?.secrets ?? [], keys: keep?.keys ?? [], certificates: keep?.certificates ?? [] },
    };
  },
});
