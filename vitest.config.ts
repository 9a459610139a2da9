import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.gasket/**'],
    globalSetup: ['test/setup/buildDist.ts'],
    setupFiles: ['test/setup/fastCheck.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
