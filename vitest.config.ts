import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The examples import 'memdesc' as users do; in tests that is the source, the same module
    // instance the tests import relatively.
    alias: [
      { find: /^memdesc$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^memdesc\/trace$/, replacement: fileURLToPath(new URL('./src/trace/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run 10^5 operations; give them room on a 2-core machine.
    testTimeout: 120_000,
  },
});
