import { migrateDatabases, schemaStatus, type DatabaseStatus, type MeentConfig, type ProjectionStatus } from '@meent/server';
import { UsageError } from './usage-error.js';

const PROJECTION_STATES: Record<ProjectionStatus['state'], string> = {
  current: 'current',
  'not-built': 'not built yet: built at the first start',
  rebuild: 'another version\'s shape (or one unrecorded): rebuilt into a fresh generation at the next start, the serving one serving meanwhile',
  rebuilding: 'another version\'s shape: a process of this version is rebuilding it',
};

/**
 * `meent migrate` applies what every database lacks, as `meent serve` does when it starts; `--status` only reads,
 * and exits 1 when a database cannot be migrated by this version.
 */
export async function migrateCommand(config: MeentConfig, args: readonly string[]): Promise<void> {
  const [flag, ...extra] = args;
  if (extra.length > 0 || (flag !== undefined && flag !== '--status')) throw new UsageError('migrate [--status]');
  const before = flag === '--status' ? undefined : await schemaStatus(config);
  const statuses = before ? await migrateDatabases(config) : await schemaStatus(config);
  if (before) {
    for (const line of appliedSince(before, statuses)) process.stdout.write(`applied ${line}\n`);
  }
  process.stdout.write(describe(statuses));
  if (statuses.some((database) => database.components.some((component) => component.problem))) process.exitCode = 1;
}

function appliedSince(before: readonly DatabaseStatus[], after: readonly DatabaseStatus[]): string[] {
  const had = new Set(before.flatMap((database) => database.components.flatMap((component) => component.applied.map((entry) => `${database.holds}/${component.component}/${entry.version}`))));
  return after.flatMap((database) =>
    database.components.flatMap((component) =>
      component.applied
        .filter((entry) => !had.has(`${database.holds}/${component.component}/${entry.version}`))
        .map((entry) => `${component.component} ${entry.version}: ${entry.description}`),
    ),
  );
}

function describe(statuses: readonly DatabaseStatus[]): string {
  const lines: string[] = [];
  for (const database of statuses) {
    lines.push(`${database.holds} — ${database.where ?? 'not created yet: made at the first start'}`);
    const width = Math.max(...database.components.map((component) => component.component.length), ...database.projections.map((projection) => projection.name.length + 11));
    for (const component of database.components) {
      const latest = component.applied.length + component.pending.length;
      const state = component.problem
        ? `cannot be migrated: ${component.problem}`
        : component.pending.length === 0
          ? `version ${latest}, up to date`
          : `version ${component.applied.length} of ${latest}, pending:`;
      lines.push(`  ${component.component.padEnd(width)}  ${state}`);
      for (const migration of component.pending) lines.push(`  ${''.padEnd(width)}    ${migration.version} ${migration.description}`);
    }
    for (const projection of database.projections) {
      lines.push(`  ${`read model ${projection.name}`.padEnd(width)}  generation ${projection.serving}, ${PROJECTION_STATES[projection.state]}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
