import {
  applyMigrations,
  CONNECT_TIMEOUT_MS,
  MIGRATIONS_TABLE,
  migrationTransaction,
  numberPlaceholders,
  PostgresPool,
  QUERY_TIMEOUT_MS,
  type SchemaComponent,
  type SchemaMigration,
} from '@meent/event-store';
import pg from 'pg';
import { valuesFor, type Lease, type ReadModelStore, type SqlExecutor, type SqlValue } from './read-model-store.js';

export { numberPlaceholders } from '@meent/event-store';

export interface PostgresReadModelStoreOptions {
  readonly connectionString: string;
  /** Schema holding the read-model tables; created if missing, and the only one on their search path. */
  readonly schema?: string;
  readonly poolSize?: number;
}

// Counts and BIGINT columns arrive as strings by default; read models hold positions and counts well below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

const READ_MODEL_QUERY_TIMEOUT_MS = 30_000;

/** The most parameters PostgreSQL's protocol carries in one statement. */
const MAX_PARAMETERS = 65_535;

/** The one connection holding this process's leases: advisory locks belong to the session that took them. */
interface LeaseSession {
  readonly client: pg.Client;
  /** Settles when the connection is gone, and every lease with it. */
  readonly lost: Promise<void>;
  readonly held: Set<string>;
  /** Statements on the connection, one after another (`pg` will stop queueing them itself). */
  query(sql: string, values: readonly unknown[]): Promise<pg.QueryResult>;
}

/** Read models in PostgreSQL, with the same guarantees as SQLite's: each transaction whole, reads of committed data. */
export class PostgresReadModelStore implements ReadModelStore {
  readonly dialect = 'postgres';
  readonly reader: SqlExecutor;
  private readonly pool: PostgresPool;
  private readonly connectionString: string;
  private readonly schema: string;
  private leaseSession: Promise<LeaseSession> | undefined;
  private connectedLeaseSession: LeaseSession | undefined;

  constructor(options: PostgresReadModelStoreOptions) {
    const schema = options.schema ?? 'meent_read_models';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name ${schema} is not a plain identifier`);
    this.pool = new PostgresPool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      serves: 'read models',
      // A report over a large register may rightly take longer than a page of events.
      queryTimeoutMs: READ_MODEL_QUERY_TIMEOUT_MS,
      config: { options: `-c search_path=${schema}`, types },
      migrate: async (client) => {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      },
    });
    void this.pool.ready().catch(() => undefined);
    this.connectionString = options.connectionString;
    this.schema = schema;
    this.reader = this.executor((sql, parameters) => this.pool.query(sql, parameters));
  }

  transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T> {
    return this.pool.transaction((client) =>
      work(this.executor(async (sql, parameters) => {
        try {
          return await client.query(sql, parameters);
        } catch (error) {
          throw this.pool.unavailable(error);
        }
      })),
    );
  }

  /** Under the lock every store's migrations take, so processes starting together apply each migration once. */
  migrate(component: SchemaComponent): Promise<readonly SchemaMigration[]> {
    return this.pool.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('meent-migration'))");
      return applyMigrations(migrationTransaction(client, MIGRATIONS_TABLE), component, new Date());
    });
  }

  /**
   * A session advisory lock, held as long as this process lives and released by PostgreSQL the moment the process or
   * its connection dies, so another process can take over. Every lease of the process shares one connection: a
   * standby asking again and again costs a statement, not a new session.
   */
  async lease(name: string): Promise<Lease | undefined> {
    await this.pool.ready();
    const session = await this.openLeaseSession();
    if (session.held.has(name)) return undefined;
    session.held.add(name);
    const key = `${this.schema}/${name}`;
    try {
      const { rows } = await session.query('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [key]);
      if (!rows[0]?.held) {
        session.held.delete(name);
        return undefined;
      }
    } catch (error) {
      session.held.delete(name);
      throw this.pool.unavailable(error);
    }
    return {
      lost: session.lost,
      release: async () => {
        if (!session.held.delete(name)) return;
        await session.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      },
    };
  }

  private openLeaseSession(): Promise<LeaseSession> {
    this.leaseSession ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
      let onLost = () => undefined as void;
      const lost = new Promise<void>((resolve) => {
        onLost = resolve;
      });
      let queue: Promise<unknown> = Promise.resolve();
      const session: LeaseSession = {
        client,
        lost,
        held: new Set(),
        query: (sql, values) => {
          const result = queue.then(() => client.query(sql, [...values]));
          queue = result.catch(() => undefined);
          return result;
        },
      };
      const end = () => {
        session.held.clear();
        onLost();
        if (this.connectedLeaseSession !== session) return;
        this.connectedLeaseSession = undefined;
        this.leaseSession = undefined;
      };
      client.on('error', end);
      client.on('end', end);
      try {
        await client.connect();
      } catch (error) {
        this.leaseSession = undefined;
        await client.end().catch(() => undefined);
        throw this.pool.unavailable(error);
      }
      this.connectedLeaseSession = session;
      return session;
    })();
    return this.leaseSession;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** PostgreSQL keeps a changed row's old version until autovacuum reclaims it; nothing here can hurry that safely. */
  async forgetOverwritten(): Promise<void> {}

  async close(): Promise<void> {
    const session = await this.leaseSession?.catch(() => undefined);
    this.leaseSession = undefined;
    this.connectedLeaseSession = undefined;
    await session?.client.end().catch(() => undefined);
    await this.pool.end();
  }

  private executor(query: (sql: string, parameters: SqlValue[]) => Promise<pg.QueryResult>): SqlExecutor {
    const run = (sql: string, parameters: readonly SqlValue[]) => query(numberPlaceholders(sql), [...parameters]);
    return {
      async run(sql, parameters = []) {
        await run(sql, parameters);
      },
      async get<Row>(sql: string, parameters: readonly SqlValue[] = []) {
        return (await run(sql, parameters)).rows[0] as Row | undefined;
      },
      async all<Row>(sql: string, parameters: readonly SqlValue[] = []) {
        return (await run(sql, parameters)).rows as Row[];
      },
      async insertRows(table, columns, rows) {
        const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
        const row = `(${columns.map(() => '?').join(', ')})`;
        for (let start = 0; start < rows.length; start += rowsPerStatement) {
          const chunk = rows.slice(start, start + rowsPerStatement);
          await run(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
            chunk.flatMap((values) => valuesFor(columns, values)),
          );
        }
      },
    };
  }
}
