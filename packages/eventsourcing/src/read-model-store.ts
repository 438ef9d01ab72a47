import type { SchemaComponent, SchemaMigration, SqlDialect } from '@meent/event-store';

// The read-model store: where projections keep their tables and checkpoints. SQL uses `?` placeholders and the
// subset SQLite and PostgreSQL share (TEXT, INTEGER, BIGINT, ON CONFLICT … DO UPDATE), so projections run on both.

export type SqlValue = string | number | bigint | null;

export interface SqlExecutor {
  run(sql: string, parameters?: readonly SqlValue[]): Promise<void>;
  get<Row>(sql: string, parameters?: readonly SqlValue[]): Promise<Row | undefined>;
  all<Row>(sql: string, parameters?: readonly SqlValue[]): Promise<Row[]>;
  /**
   * Inserts rows into a table, each row a value for each of `columns` in order, however the store does that
   * cheapest: PostgreSQL, a round trip away, takes them in as few statements as it can; SQLite, in the process, runs a
   * single-row statement for each, which costs half as much a row as one statement of many rows.
   */
  insertRows(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
}

/** A row's values, refused when they are not one for each column: a value left out would shift the rest. */
export function valuesFor(columns: readonly string[], row: readonly SqlValue[]): readonly SqlValue[] {
  if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns (${columns.join(', ')})`);
  return row;
}

/** The right to be the one process that writes a projection or runs a reaction. */
export interface Lease {
  /** Settles if the lease is lost without being released: the holder must stop writing. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface ReadModelStore {
  readonly dialect: SqlDialect;
  /** Reads see only committed data, never a projection's transaction half-way. */
  readonly reader: SqlExecutor;
  /**
   * Runs `work` in one transaction: all of it commits, or none of it. The embedded store runs them one at a time; a
   * server may run them side by side, so a write that depends on what the transaction read must say so in its
   * condition (as the checkpoint update does).
   */
  transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Applies what `component`'s tables lack, in order, each migration recorded in this store's ledger; refuses tables a
   * newer version made. Every table kept here (projections' own excepted: see `Projections`) is made this way.
   */
  migrate(component: SchemaComponent): Promise<readonly SchemaMigration[]>;
  /** The lease on `name`, or undefined while another holder has it. A holder that dies loses it. */
  lease(name: string): Promise<Lease | undefined>;
  ping(): Promise<void>;
  /**
   * Makes sure no earlier version of a changed or deleted row is left on disk, after personal data was erased from
   * the read models. Committed work only; blocks other writes for the moment it takes.
   */
  forgetOverwritten(): Promise<void>;
  close(): Promise<void>;
}
