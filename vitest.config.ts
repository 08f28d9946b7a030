import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Flows import from 'chartbot' (the package itself); tests resolve it to the sources.
    alias: [
      { find: /^chartbot$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^chartbot\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
    ],
  },
  test: {
    // templates/: the tests `chartbot init` gives a new project, run here against the sources.
    include: ['test/**/*.test.ts', 'templates/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
