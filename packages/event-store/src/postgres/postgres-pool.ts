import pg from 'pg';
import { StoreUnavailableError, type UnavailableErrorClass } from '../event-store.js';
import type { MigrationTransaction } from '../schema-migrations.js';
import { numberPlaceholders } from '../sql-placeholders.js';

/**
 * Error codes that say the server could not be reached or went away, not that the statement was wrong: the network's
 * (node), and PostgreSQL's connection exceptions (class 08), shutdowns (57P01–57P03) and too many connections (53300).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** `pg`'s own errors when a connection ends under a query or cannot be made carry no code, only these messages. */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Connection ended unexpectedly',
];

/**
 * How long a new connection may take. Without a limit, a connection begun as the server went down can wait for ever,
 * and whatever awaits it (a subscription's listener, a lease) with it.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How long a statement may go unanswered before its connection is given up as dead and the store reported
 * unavailable. Meent's statements read and write in bounded pages, in milliseconds; one that takes seconds is stuck,
 * not busy. (A projection the restart test found standing still after PostgreSQL came back was once put down to a
 * statement left unanswered; it was the projection's own position set back — see `GenerationRunner.advanceTo` — and
 * no statement took over 2 s in twenty traced restarts.)
 */
export const QUERY_TIMEOUT_MS = 5_000;

/** True when `error` means PostgreSQL is out of reach for now, so the same work may succeed once it is back. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
  return CONNECTION_MESSAGES.some((message) => error.message.startsWith(message));
}

export interface PostgresPoolOptions {
  readonly connectionString: string;
  readonly max: number;
  /** What the pool serves, for the message a client of the API sees when PostgreSQL is away. */
  readonly serves: string;
  readonly unavailableError?: UnavailableErrorClass;
  /** Schema changes run before the first statement, and again before the next one should they fail. */
  readonly migrate?: (client: pg.PoolClient) => Promise<void>;
  readonly config?: Omit<pg.PoolConfig, 'connectionString' | 'max'>;
  /** Overrides `QUERY_TIMEOUT_MS`, for a store whose reads may rightly take longer. */
  readonly queryTimeoutMs?: number;
}

/**
 * A `pg` pool that survives PostgreSQL going away: idle and checked-out clients have their errors handled (an
 * unhandled `'error'` event would end the process), a broken client leaves the pool, connection failures surface as
 * the store's unavailability error (503 at the API), and a migration that failed is tried again on the next use.
 */
export class PostgresPool {
  readonly pool: pg.Pool;
  private migration: Promise<void> | undefined;

  constructor(private readonly options: PostgresPoolOptions) {
    this.pool = new pg.Pool({
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      keepAlive: true,
      ...options.config,
      connectionString: options.connectionString,
      max: options.max,
    });
    // An idle client's error (the server restarting) ends only that client; the next statement reports the outage.
    this.pool.on('error', () => undefined);
  }

  /** Resolves once the schema is in place; a failed attempt is forgotten, so the next call tries again. */
  ready(): Promise<void> {
    const migrate = this.options.migrate;
    if (!migrate) return Promise.resolve();
    this.migration ??= this.inTransaction(async (client) => {
      // `CREATE … IF NOT EXISTS` is not safe against a concurrent twin, and several stores (and processes) start together.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('meent-migration'))");
      await migrate(client);
    }).catch((error: unknown) => {
      this.migration = undefined;
      throw error;
    });
    return this.migration;
  }

  async query<Row extends pg.QueryResultRow>(sql: string, values: readonly unknown[] = []): Promise<pg.QueryResult<Row>> {
    await this.ready();
    try {
      return await this.pool.query<Row>(sql, [...values]);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** `work` on one client of the pool; the client goes back to the pool, or out of it when its connection broke. */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    return this.checkedOut(work);
  }

  /** `work` in a transaction on one client: committed when it returns, rolled back when it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    return this.inTransaction(work);
  }

  /** The store's unavailability error for a connection failure; any other error as it is. */
  unavailable(error: unknown): unknown {
    if (error instanceof StoreUnavailableError || !isConnectionFailure(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    const Unavailable = this.options.unavailableError ?? StoreUnavailableError;
    return new Unavailable(`PostgreSQL (${this.options.serves}) is unreachable: ${message}`, { cause: error });
  }

  async end(): Promise<void> {
    await this.migration?.catch(() => undefined);
    await this.pool.end();
  }

  private inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.checkedOut(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async checkedOut<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // The pool listens for errors only on idle clients; a connection ending under a query emits one on this client.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    const client = await new Promise<pg.PoolClient>((resolve, reject) => {
      // The callback form, so the listener is on before anything else runs: the message that ends a connection can
      // arrive in the same read as the end of the query before it, and the pool hands the client over in between.
      this.pool.connect((error, connected) => {
        if (error || !connected) return reject(this.unavailable(error ?? new Error('the pool gave no client')));
        connected.on('error', onError);
        resolve(connected);
      });
    });
    try {
      return await work(client);
    } catch (error) {
      if (isConnectionFailure(error)) broken ??= error instanceof Error ? error : new Error(String(error));
      throw this.unavailable(error);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

/** `client`'s transaction, under the migration lock `PostgresPool.ready` holds, as schema migrations use it. */
export function migrationTransaction(client: pg.PoolClient | pg.Client, ledger: string): MigrationTransaction {
  return {
    dialect: 'postgres',
    ledger,
    async run(sql, parameters = []) {
      await client.query(numberPlaceholders(sql), [...parameters]);
    },
    async all<Row>(sql: string, parameters: readonly (string | number)[] = []) {
      return (await client.query(numberPlaceholders(sql), [...parameters])).rows as Row[];
    },
  };
}
