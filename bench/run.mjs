// `npm run bench`: bench/main.ts, bundled and run the way `npm run demo` runs its TypeScript.
import { runTs } from '../test/sandbox/run-ts.mjs';

try {
  await runTs('bench/main.ts');
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
