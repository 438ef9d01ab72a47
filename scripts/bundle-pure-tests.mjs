// Bundles each pure test file, with the sources it imports, into one JavaScript file for the mutation run. StrykerJS
// starts a test file once for each mutant it covers; loaded through tsx module by module, a decider's tests take about
// 1.5 s to start, their bundle a fraction of that. Stryker runs this as its build command, after it has written the
// mutants into the sources, so the bundles carry them.
import { readdirSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the bundles go: inside Stryker's own directory, which it ignores and nothing commits. */
export const BUNDLE_DIR = '.stryker-tmp/pure-tests';

/**
 * The fast tests of the rules: every service's tests that need no store (`*.int.test.ts` do), the properties of the
 * ledger and the Method of Equal Shares, the names stored events are read by, the tamper evidence's, the README's errors.
 */
export function pureTestSources() {
  const services = readdirSync(join(root, 'services')).flatMap((service) =>
    readdirSync(join(root, 'services', service, 'test'))
      .filter((file) => file.endsWith('.test.ts') && !file.endsWith('.int.test.ts'))
      .map((file) => `services/${service}/test/${file}`),
  );
  const across = ['tests/properties', 'tests/contracts'].flatMap((directory) =>
    readdirSync(join(root, directory))
      .filter((file) => file.endsWith('.test.ts') && !file.endsWith('.int.test.ts'))
      .map((file) => `${directory}/${file}`),
  );
  return [
    ...services,
    ...across,
    'packages/eventsourcing/test/tamper-evidence.test.ts',
    'packages/eventsourcing/test/canonical-json.test.ts',
    // The README lists every refusal with its status, rule and wording, as the catalogues hold them.
    'tests/routes/readme-tables.test.ts',
  ];
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

/**
 * The bundles import the mutation run's own `tap` (scripts/mutation-tap.mjs) rather than tap: see there why. It compares
 * with tap's own `tcompare`, loaded from where tap's assertions have it.
 */
const tapForTheMutationRun = {
  name: 'mutation-tap',
  setup(builder) {
    builder.onResolve({ filter: /^tap$/ }, () => ({ path: join(root, 'scripts/mutation-tap.mjs') }));
    builder.onResolve({ filter: /^tcompare$/ }, () => {
      const requireFromTap = createRequire(createRequire(join(root, 'package.json')).resolve('tap'));
      const requireFromAsserts = createRequire(requireFromTap.resolve('@tapjs/asserts'));
      return { path: pathToFileURL(requireFromAsserts.resolve('tcompare')).href, external: true };
    });
  },
};

/**
 * The workspace's own modules are marked free of import side effects, so a test importing a context's index gets the
 * deciders it uses without the routes, the server and their dependencies: a bundle a tenth the size starts faster.
 */
const workspaceModulesWithoutSideEffects = {
  name: 'workspace-side-effects',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, async ({ path, importer, kind, resolveDir, pluginData }) => {
      if (pluginData === 'resolving' || kind === 'entry-point') return undefined;
      const resolved = await builder.resolve(path, { importer, kind, resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || resolved.external) return resolved;
      const ownModule = resolved.path.startsWith(root) && !resolved.path.includes('/node_modules/');
      return { ...resolved, sideEffects: ownModule ? false : resolved.sideEffects };
    });
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
    plugins: [tapForTheMutationRun, storeDriversLoadedWhereInstalled, workspaceModulesWithoutSideEffects],
    // Bundled CommonJS dependencies call `require`, which an ES module lacks.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await copyTestData();
}

/**
 * A test reads its data by `import.meta.url` (a pabulib instance beside it, the README at the workspace's root): each
 * bundle finds it at the same place relative to itself.
 */
async function copyTestData() {
  await cp(join(root, 'README.md'), join(root, BUNDLE_DIR, 'README.md'));
  const testDirectories = new Set(pureTestSources().map((source) => dirname(source)));
  for (const directory of testDirectories) {
    for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules') continue;
      await cp(join(root, directory, entry.name), join(root, BUNDLE_DIR, directory, entry.name), { recursive: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
