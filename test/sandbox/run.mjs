// `npm run sandbox`: test/sandbox/cli.ts.
import { runTs } from './run-ts.mjs';

await runTs('test/sandbox/cli.ts');
