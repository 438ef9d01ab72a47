// Mutation testing of the rules (`pnpm mutation`, not part of `pnpm test`): StrykerJS plants one small bug at a time
// in the deciders, the ballot box and tally, and the tamper evidence, and runs the fast pure tests that cover it. A
// mutant that no test notices is a rule no test pins down.
import { fileURLToPath } from 'node:url';
import { BUNDLE_DIR } from './scripts/bundle-pure-tests.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Named by path: pnpm keeps the runner out of the core's own node_modules, where Stryker would look for it.
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/tap-runner'))],
  testRunner: 'tap',
  // Integration tests (`*.int.test.ts`) need stores and take seconds each: only the pure ones run per mutant, each
  // bundled once with the mutated sources, so a run starts plain node instead of loading TypeScript module by module,
  // and with a lighter stand-in for tap (scripts/mutation-tap.mjs).
  buildCommand: 'node scripts/bundle-pure-tests.mjs',
  tap: {
    testFiles: [`${BUNDLE_DIR}/**/*.test.mjs`],
    nodeArgs: [],
    forceBail: true,
  },
  mutate: ['services/*/src/domain/**/*.ts', 'packages/eventsourcing/src/tamper-evidence.ts'],
  // The workspace links its packages through node_modules in every package; a sandbox copy would lose those links.
  inPlace: true,
  // tsx runs the TypeScript without checking it, so nothing needs `// @ts-nocheck` written into the files.
  disableTypeChecks: false,
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  // Added to one and a half times a test file's own time: a mutant that loops forever is known in seconds.
  timeoutMS: 8_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
