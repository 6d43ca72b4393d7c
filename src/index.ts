// Action entry point (action.yml `main: dist/index.js`).
import { run } from './action/main.js';

await run();
