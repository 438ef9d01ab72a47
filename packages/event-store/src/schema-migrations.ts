// Versioned schema migrations: every table Meent creates belongs to a component whose migrations are numbered from 1
// and applied in order, each recorded in the database's ledger in the transaction that applied it. A database
// records what it has; the code says what it needs; what lies between is applied at start, under the migration lock.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export type SqlDialect = 'sqlite' | 'postgres';

export interface SchemaMigration {
  readonly version: number;
  /** What it changes: shown by `meent migrate --status` and kept in the ledger. */
  readonly description: string;
  /** Statements in the SQL both dialects share, or each dialect's own (a dialect left out has nothing to do). */
  readonly statements: readonly string[] | { readonly sqlite?: readonly string[]; readonly postgres?: readonly string[] };
}

export interface SchemaComponent {
  /** Unique among the components sharing a database: the ledger is keyed by it. */
  readonly name: string;
  readonly migrations: readonly SchemaMigration[];
}

/** One migration as the ledger recorded it. */
export interface LedgerEntry {
  readonly version: number;
  readonly description: string;
  readonly checksum: string;
  readonly appliedAt: string;
}

export const MIGRATIONS_TABLE = 'meent_schema_migrations';

/** The database cannot be brought to what this code needs: a newer Meent migrated it, or a released migration changed. */
export class SchemaMigrationError extends Error {
  override readonly name = 'SchemaMigrationError';
}

/** A component's migrations, checked to be numbered 1, 2, 3 … in order: the order is the version. */
export function defineSchema(name: string, migrations: readonly SchemaMigration[]): SchemaComponent {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`schema component ${name} must be kebab-case`);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`schema ${name}: migration ${migration.version} is in place ${index + 1}; versions run 1, 2, 3 … in order`);
    }
  });
  return { name, migrations };
}

export function statementsFor(migration: SchemaMigration, dialect: SqlDialect): readonly string[] {
  return isSharedSql(migration.statements) ? migration.statements : (migration.statements[dialect] ?? []);
}

function isSharedSql(statements: SchemaMigration['statements']): statements is readonly string[] {
  return Array.isArray(statements);
}

/** What a migration does in one dialect, blind to layout: reindenting the code that holds it changes nothing. */
export function checksumOf(migration: SchemaMigration, dialect: SqlDialect): string {
  const normalised = statementsFor(migration, dialect).map((statement) => statement.replace(/\s+/g, ' ').trim());
  return createHash('sha256').update(normalised.join(';\n')).digest('hex').slice(0, 16);
}

export const latestVersion = (component: SchemaComponent): number => component.migrations.length;

/**
 * The migrations to apply, given what the ledger recorded. Refuses a database a newer version migrated (its code knows
 * what those tables mean; this one does not) and a recorded migration whose statements are no longer the code's.
 */
export function pendingMigrations(
  component: SchemaComponent,
  dialect: SqlDialect,
  ledger: readonly LedgerEntry[],
): readonly SchemaMigration[] {
  const newest = Math.max(0, ...ledger.map((entry) => entry.version));
  if (newest > latestVersion(component)) {
    throw new SchemaMigrationError(
      `the ${component.name} tables are at version ${newest}, made by a newer Meent; this one knows versions up to ` +
        `${latestVersion(component)}: run the newer version, or restore the backup taken before the upgrade`,
    );
  }
  for (const entry of ledger) {
    const migration = component.migrations[entry.version - 1];
    if (migration && checksumOf(migration, dialect) !== entry.checksum) {
      throw new SchemaMigrationError(
        `${component.name} migration ${entry.version} (${entry.description}) is not the one applied on ${entry.appliedAt}: ` +
          'a released migration never changes; the change belongs in a new one',
      );
    }
  }
  return component.migrations.filter((migration) => migration.version > newest);
}

const ledgerTable = (table: string) =>
  `CREATE TABLE IF NOT EXISTS ${table} (component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, ` +
  'checksum TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))';

const ledgerQuery = (table: string) =>
  `SELECT version, description, checksum, applied_at AS "appliedAt" FROM ${table} WHERE component = ? ORDER BY version`;

const ledgerInsert = (table: string) =>
  `INSERT INTO ${table} (component, version, description, checksum, applied_at) VALUES (?, ?, ?, ?, ?)`;

/** A transaction the caller holds, under its migration lock; statements use `?` placeholders. */
export interface MigrationTransaction {
  readonly dialect: SqlDialect;
  /** The ledger's name as this connection must write it (qualified by its schema where that is not on the path). */
  readonly ledger: string;
  run(sql: string, parameters?: readonly (string | number)[]): Promise<void>;
  all<Row>(sql: string, parameters?: readonly (string | number)[]): Promise<Row[]>;
}

/** Applies what `component` lacks in the transaction given, each migration with its ledger entry. Returns what it applied. */
export async function applyMigrations(
  transaction: MigrationTransaction,
  component: SchemaComponent,
  now: Date,
): Promise<readonly SchemaMigration[]> {
  await transaction.run(ledgerTable(transaction.ledger));
  const ledger = await transaction.all<LedgerEntry>(ledgerQuery(transaction.ledger), [component.name]);
  const pending = pendingMigrations(component, transaction.dialect, ledger.map(numericVersion));
  for (const migration of pending) {
    for (const statement of statementsFor(migration, transaction.dialect)) await transaction.run(statement);
    await transaction.run(ledgerInsert(transaction.ledger), [
      component.name,
      migration.version,
      migration.description,
      checksumOf(migration, transaction.dialect),
      now.toISOString(),
    ]);
  }
  return pending;
}

/** The same for an embedded database, synchronously: `BEGIN IMMEDIATE` is the lock that keeps a second process out. */
export function applySqliteMigrations(db: Database.Database, component: SchemaComponent, now: Date): readonly SchemaMigration[] {
  return db
    .transaction(() => {
      db.exec(ledgerTable(MIGRATIONS_TABLE));
      const ledger = db.prepare<[string], LedgerEntry>(ledgerQuery(MIGRATIONS_TABLE)).all(component.name);
      const pending = pendingMigrations(component, 'sqlite', ledger);
      for (const migration of pending) {
        for (const statement of statementsFor(migration, 'sqlite')) db.exec(statement);
        db.prepare(ledgerInsert(MIGRATIONS_TABLE)).run(
          component.name,
          migration.version,
          migration.description,
          checksumOf(migration, 'sqlite'),
          now.toISOString(),
        );
      }
      return pending;
    })
    .immediate();
}

/** What a database records for `component`, beside what the code has: the answer to `meent migrate --status`. */
export interface ComponentStatus {
  readonly component: string;
  readonly applied: readonly LedgerEntry[];
  /** Migrations the code has that the database has not applied yet (all of them where it holds no ledger). */
  readonly pending: readonly SchemaMigration[];
  /** Why the database cannot be migrated by this code, if it cannot. */
  readonly problem: string | undefined;
}

export function componentStatus(component: SchemaComponent, dialect: SqlDialect, ledger: readonly LedgerEntry[]): ComponentStatus {
  try {
    return { component: component.name, applied: ledger, pending: pendingMigrations(component, dialect, ledger), problem: undefined };
  } catch (error) {
    if (!(error instanceof SchemaMigrationError)) throw error;
    return { component: component.name, applied: ledger, pending: [], problem: error.message };
  }
}

/** Reads the ledger's entries for `component` without creating anything: none where the database has no ledger yet. */
export async function readLedger(
  reader: { all<Row>(sql: string, parameters?: readonly (string | number)[]): Promise<Row[]>; tableExists(name: string): Promise<boolean> },
  component: SchemaComponent,
): Promise<readonly LedgerEntry[]> {
  if (!(await reader.tableExists(MIGRATIONS_TABLE))) return [];
  return (await reader.all<LedgerEntry>(ledgerQuery(MIGRATIONS_TABLE), [component.name])).map(numericVersion);
}

// PostgreSQL hands INTEGER back as a number, but a driver configured otherwise could hand a string.
const numericVersion = (entry: LedgerEntry): LedgerEntry => ({ ...entry, version: Number(entry.version) });
