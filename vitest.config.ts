import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Same as esbuild's `loader: { '.yml': 'text' }` in scripts/build.mjs: bundled YAML is imported as text.
  plugins: [
    {
      name: 'yml-as-text',
      load(id) {
        if (id.endsWith('.yml')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
        return undefined;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
