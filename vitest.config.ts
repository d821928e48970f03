import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run 10^5 operations; give them room on a 2-core machine.
    testTimeout: 120_000,
  },
});
