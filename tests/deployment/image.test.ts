// What the container image carries, read from the manifests it is built from (no Docker here): `pnpm deploy --prod`
// of the command line installs each workspace package it reaches with the files that package publishes and the
// dependencies it needs to run — never the test runner, the compiler or the sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { REPOSITORY_ROOT } from '../support/processes.js';

interface Manifest {
  readonly name: string;
  readonly files?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const manifestAt = (directory: string): Manifest =>
  JSON.parse(readFileSync(join(REPOSITORY_ROOT, directory, 'package.json'), 'utf8')) as Manifest;

/** Where each workspace package lives, by its name. */
const WORKSPACE = new Map(
  ['packages/cli', 'packages/event-store', 'packages/eventsourcing', 'packages/http', 'packages/server', 'services/budget', 'services/identity', 'services/initiative-funding', 'services/membership', 'services/notifications', 'services/voting', 'packages/web'].map(
    (directory) => [manifestAt(directory).name, directory] as const,
  ),
);

/** Tools of development and testing: none of them runs in a deployment. */
const DEVELOPMENT_ONLY = /^(tap|@tapjs\/.*|typescript|tsx|esbuild|eslint|@types\/.*|@stryker-mutator\/.*|fast-check|playwright-core|axe-core)$/;

/** Every workspace package the image installs: those the command line reaches through what they need at run time. */
function reachedFromTheCommandLine(): Manifest[] {
  const reached = new Map<string, Manifest>();
  const visit = (name: string) => {
    const directory = WORKSPACE.get(name);
    if (!directory || reached.has(name)) return;
    const manifest = manifestAt(directory);
    reached.set(name, manifest);
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })) visit(dependency);
  };
  visit('@meent/cli');
  return [...reached.values()];
}

t.test('the image installs each package with its compiled output and what it needs to run, nothing of development', async (t) => {
  const packages = reachedFromTheCommandLine();
  t.equal(packages.length, WORKSPACE.size, 'the command line reaches every workspace package');
  for (const manifest of packages) {
    t.same(manifest.files, ['dist'], `${manifest.name} publishes its compiled output only: no src/, no test/`);
    const needed = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies });
    t.same(needed.filter((name) => DEVELOPMENT_ONLY.test(name)), [], `${manifest.name} needs no tool of development to run`);
  }
  const dockerfile = readFileSync(join(REPOSITORY_ROOT, 'infra/Dockerfile'), 'utf8');
  t.match(dockerfile, /pnpm deploy --filter @meent\/cli --prod /, 'the runtime stage gets production dependencies only');
  t.match(dockerfile, /^COPY --from=build \/deploy \.\/$/m, 'and nothing else of the build');
});
