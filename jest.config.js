/** Jest runs TypeScript through ts-jest (transpile only; `npm run typecheck` checks types).
 * `--experimental-vm-modules` (set by `npm test`) lets PGlite load its WASM build under Jest. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
