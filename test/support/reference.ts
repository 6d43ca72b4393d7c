// Public reference data (specs, samples) lives in ../shared/reference and is not copied into the repository.
// Tests that need it skip with a loud notice when it is absent, so an outside contributor's `npm test` runs;
// with KV_REQUIRE_REFERENCE=1 (set by .ci/run) a missing reference is a failure instead.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reference folder: $KV_REFERENCE_DIR, else ../shared/reference beside the project. */
export const referenceDir = process.env.KV_REFERENCE_DIR ?? join(projectRoot, '..', 'shared', 'reference');

export const referenceAvailable = existsSync(referenceDir);

if (!referenceAvailable && process.env.KV_REQUIRE_REFERENCE === '1') {
  throw new Error(`reference data required (KV_REQUIRE_REFERENCE=1) but ${referenceDir} does not exist`);
}

/** Absolute path of a file under the reference folder. */
export function referencePath(...parts: string[]): string {
  return join(referenceDir, ...parts);
}

export function readReferenceJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(referencePath(...parts), 'utf8')) as T;
}

/** `describe` that runs only when the reference data is present, and says loudly when it is skipped. */
export function describeWithReference(name: string, body: () => void): void {
  if (!referenceAvailable) {
    console.warn(`NOTICE: skipping "${name}": reference data not found at ${referenceDir} (set KV_REFERENCE_DIR)`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}
