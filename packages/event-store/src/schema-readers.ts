// Read-only views of a database's schema bookkeeping, for `meent migrate --status`: nothing here creates a file, a
// schema or a table.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, QUERY_TIMEOUT_MS } from './postgres/postgres-pool.js';
import type { SqlDialect } from './schema-migrations.js';
import { numberPlaceholders } from './sql-placeholders.js';

export interface SchemaReader {
  readonly dialect: SqlDialect;
  /** Where it reads, for people: a file's path, or a PostgreSQL schema. */
  readonly where: string;
  all<Row>(sql: string, parameters?: readonly (string | number)[]): Promise<Row[]>;
  tableExists(name: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The SQLite file at `path`, opened read-only; undefined when there is no such file yet. */
export function sqliteSchemaReader(path: string): SchemaReader | undefined {
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const all = async <Row>(sql: string, parameters: readonly (string | number)[] = []) => db.prepare<unknown[], Row>(sql).all(...parameters);
  return {
    dialect: 'sqlite',
    where: path,
    all,
    tableExists: async (name) => (await all(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [name])).length > 0,
    close: async () => {
      db.close();
    },
  };
}

/** A PostgreSQL schema, with it alone on the search path. */
export async function postgresSchemaReader(connectionString: string, schema: string): Promise<SchemaReader> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name ${schema} is not a plain identifier`);
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  const all = async <Row>(sql: string, parameters: readonly (string | number)[] = []) =>
    (await client.query(numberPlaceholders(sql), [...parameters])).rows as Row[];
  return {
    dialect: 'postgres',
    where: `PostgreSQL schema ${schema}`,
    all,
    tableExists: async (name) => (await all('SELECT 1 WHERE to_regclass(?) IS NOT NULL', [name])).length > 0,
    close: () => client.end(),
  };
}
