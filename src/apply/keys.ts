// rotate-keys: a new key version through KeyClient.rotateKey (staged with tags, see rotate-staged.ts), then the
// compromised versions the plan lists are disabled. Only listed versions: data encrypted or wrapped with an old
// key version cannot be decrypted while that version is disabled.
import type { RotateKeysAction } from '../plan/types.js';
import { collect, isNotFound } from './rotate-calls.js';
import { stagedRotation } from './rotate-staged.js';
import { objectResult, type Executor, type ObjectResult } from './rotate-types.js';
import { byCreation, disableVersions, type VersionInfo } from './rotate-versions.js';
import { settle, type Mapper } from './secrets.js';

type KeyTarget = RotateKeysAction['params']['keys'][number];

async function keyVersions(x: Executor, name: string): Promise<VersionInfo[] | undefined> {
  try {
    return byCreation(await collect(x.keys.listPropertiesOfKeyVersions(name)));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function rotateKey(x: Executor, target: KeyTarget): Promise<ObjectResult> {
  const r = objectResult('key', target.name, 'rotated');
  return settle(r, async () => {
    const versions = await stagedRotation(x, r, {
      list: () => keyVersions(x, target.name),
      tag: (version, tags) => x.keys.updateKeyProperties(target.name, version, { tags }),
      create: async () => {
        const key = await x.keys.rotateKey(target.name);
        if (!key.properties.version) throw new Error('the service returned no version for the rotated key');
        x.log.info(`key ${target.name}: new version ${key.properties.version}`);
        return { version: key.properties.version, tags: key.properties.tags };
      },
    });
    const wanted = target.compromisedVersions;
    if (!versions) {
      if (r.outcome === 'planned' && wanted.length > 0) r.notes.push(`would disable versions ${wanted.join(', ')}`);
      return;
    }
    const keep = new Set([r.newVersion, versions.at(-1)?.version].filter((v): v is string => Boolean(v)));
    await disableVersions(x, r, versions, wanted, keep, (v) =>
      x.keys.updateKeyProperties(target.name, v, { enabled: false }),
    );
  });
}

export async function rotateKeys(x: Executor, action: RotateKeysAction, map: Mapper): Promise<ObjectResult[]> {
  let targets = action.params.keys;
  if (action.params.allKeys) {
    const known = new Set(targets.map((k) => k.name.toLowerCase()));
    const found = await x.call(() => collect(x.keys.listPropertiesOfKeys()));
    targets = [
      ...targets,
      ...found
        .filter((k) => !known.has(k.name.toLowerCase()) && !k.managed)
        .map((k) => ({ name: k.name, compromisedVersions: [] })),
    ];
  }
  return map(targets, (t) => rotateKey(x, t));
}
