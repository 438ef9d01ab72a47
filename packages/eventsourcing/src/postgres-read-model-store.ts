import { migratePostgres } from '@meent/event-store';
import pg from 'pg';
import type { Lease, ReadModelStore, SqlExecutor, SqlValue } from './read-model-store.js';

export interface PostgresReadModelStoreOptions {
  readonly connectionString: string;
  /** Schema holding the read-model tables; created if missing, and the only one on their search path. */
  readonly schema?: string;
  readonly poolSize?: number;
}

/** Projections write `?` placeholders, SQLite's; PostgreSQL numbers them. Quoted text is left as it is. */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  let quoted = false;
  let result = '';
  for (const character of sql) {
    if (character === "'") quoted = !quoted;
    result += character === '?' && !quoted ? `$${(index += 1)}` : character;
  }
  return result;
}

// Counts and BIGINT columns arrive as strings by default; read models hold positions and counts well below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Read models in PostgreSQL, with the same guarantees as SQLite's: each transaction whole, reads of committed data. */
export class PostgresReadModelStore implements ReadModelStore {
  readonly reader: SqlExecutor;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;
  private readonly connectionString: string;
  private readonly schema: string;
  private readonly leases = new Set<pg.Client>();

  constructor(options: PostgresReadModelStoreOptions) {
    const schema = options.schema ?? 'meent_read_models';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name ${schema} is not a plain identifier`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      options: `-c search_path=${schema}`,
      types,
    });
    this.pool.on('error', () => undefined);
    this.connectionString = options.connectionString;
    this.schema = schema;
    this.ready = migratePostgres(this.pool, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    });
    this.reader = this.executor(this.pool);
  }

  async transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(this.executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * A session advisory lock on a connection of its own: held as long as this process lives, released by PostgreSQL
   * the moment the process or its connection dies, so another process can take over.
   */
  async lease(name: string): Promise<Lease | undefined> {
    await this.ready;
    const client = new pg.Client({ connectionString: this.connectionString });
    let onLost = () => undefined as void;
    const lost = new Promise<void>((resolve) => {
      onLost = resolve;
    });
    client.on('error', () => onLost());
    client.on('end', () => onLost());
    await client.connect();
    const key = `${this.schema}/${name}`;
    const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [key]);
    if (!rows[0]?.held) {
      await client.end();
      return undefined;
    }
    this.leases.add(client);
    return {
      lost,
      release: async () => {
        if (!this.leases.delete(client)) return;
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** PostgreSQL keeps a changed row's old version until autovacuum reclaims it; nothing here can hurry that safely. */
  async forgetOverwritten(): Promise<void> {}

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await Promise.all([...this.leases].map((client) => client.end().catch(() => undefined)));
    this.leases.clear();
    await this.pool.end();
  }

  private executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
    const query = async <Row extends pg.QueryResultRow>(sql: string, parameters: readonly SqlValue[]) => {
      await this.ready;
      return client.query<Row>(numberPlaceholders(sql), [...parameters]);
    };
    return {
      async run(sql, parameters = []) {
        await query(sql, parameters);
      },
      async get<Row>(sql: string, parameters: readonly SqlValue[] = []) {
        return (await query(sql, parameters)).rows[0] as Row | undefined;
      },
      async all<Row>(sql: string, parameters: readonly SqlValue[] = []) {
        return (await query(sql, parameters)).rows as Row[];
      },
    };
  }
}
