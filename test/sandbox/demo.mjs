// `npm run demo`: test/sandbox/demo.ts.
import { runTs } from './run-ts.mjs';

await runTs('test/sandbox/demo.ts');
