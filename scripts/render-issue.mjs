// `npm run render-issue`: test/sandbox/render-issue.ts, bundled and run the way `npm run demo` runs its TypeScript.
import { runTs } from '../test/sandbox/run-ts.mjs';

await runTs('test/sandbox/render-issue.ts');
