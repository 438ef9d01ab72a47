// Bundles each pure test file, with the sources it imports, into one JavaScript file for the mutation run. StrykerJS
// starts a test file once for each mutant it covers; loaded through tsx module by module, a decider's tests take about
// 1.5 s to start, their bundle a fraction of that. Stryker runs this as its build command, after it has written the
// mutants into the sources, so the bundles carry them.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the bundles go: inside Stryker's own directory, which it ignores and nothing commits. */
export const BUNDLE_DIR = '.stryker-tmp/pure-tests';

/** The fast tests of the rules: every service's tests that need no store (`*.int.test.ts` do), and the tamper evidence's. */
export function pureTestSources() {
  const services = readdirSync(join(root, 'services')).flatMap((service) =>
    readdirSync(join(root, 'services', service, 'test'))
      .filter((file) => file.endsWith('.test.ts') && !file.endsWith('.int.test.ts'))
      .map((file) => `services/${service}/test/${file}`),
  );
  return [...services, 'packages/eventsourcing/test/tamper-evidence.test.ts', 'packages/eventsourcing/test/canonical-json.test.ts'];
}

/**
 * The stores' drivers (a native addon among them) stay outside the bundle and are imported from where the workspace
 * installed them: a bundle in Stryker's directory would not find them by name.
 */
const storeDriversLoadedWhereInstalled = {
  name: 'store-drivers',
  setup(builder) {
    const requireFromEventStore = createRequire(join(root, 'packages/event-store/package.json'));
    builder.onResolve({ filter: /^(better-sqlite3|pg|@eventstore\/db-client)$/ }, ({ path }) => ({
      path: pathToFileURL(requireFromEventStore.resolve(path)).href,
      external: true,
    }));
  },
};

async function bundle() {
  await rm(join(root, BUNDLE_DIR), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: pureTestSources(),
    outdir: BUNDLE_DIR,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    conditions: ['meent-source'],
    // tap finds its plugins at run time.
    external: ['tap'],
    plugins: [storeDriversLoadedWhereInstalled],
    // Bundled CommonJS dependencies call `require`, which an ES module lacks.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
