import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { catchUpSubscription } from '../catch-up-subscription.js';
import { earlierAppend, readAllInPages, readStreamInPages } from '../paging.js';
import { LogTail, type EventHeader } from './log-tail.js';
import { applyMigrations, defineSchema, MIGRATIONS_TABLE, type SchemaComponent } from '../schema-migrations.js';
import { CONNECT_TIMEOUT_MS, migrationTransaction, PostgresPool, QUERY_TIMEOUT_MS } from './postgres-pool.js';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.js';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Schema holding the events table; created if missing. */
  readonly schema?: string;
  readonly poolSize?: number;
  /**
   * Fallback poll for live subscriptions should a notification be missed; the listener's reconnect wakes them too.
   * One second by default: after PostgreSQL returns from a restart a wake-up may be lost, and a subscription left to a
   * five-second poll kept its projection an event behind well past the rest.
   */
  readonly pollIntervalMs?: number;
}

interface EventRow {
  position: string;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
}

const PAGE_SIZE = 1000;
const VISIBILITY_WAIT_MS = 1000;
/**
 * How soon a subscription looks again at events committed but hidden behind an older running transaction. Every
 * subscription of every process polls at this pace while writes run, so it is kept above a few round trips: at 20 ms,
 * thirty-odd subscriptions in each of three processes kept the database busy enough that some fell seconds behind.
 */
const HIDDEN_EVENTS_POLL_MS = 100;
const CHANNEL = 'meent_events';
const UNIQUE_VIOLATION = '23505';

/**
 * Positions come from a sequence, so a transaction that took a lower position could commit after one with a higher
 * position, and a reader going by position would skip the late one. Two guards: appends take a transaction-scoped
 * advisory lock, so this adapter's writers commit in position order; and readers see only events whose transaction
 * is older than every transaction still running, which also holds back a late commit by any other writer.
 * (Transaction ids alone are not enough: a transaction may get its id after a later one took its position.)
 */
const VISIBLE = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/** The event log's tables and functions in `schema`, versioned: a change to them is a new migration at the end. */
export function postgresEventTables(schema: string): SchemaComponent {
  const table = (name: string) => `"${schema}".${name}`;
  return defineSchema('events', [
    {
      version: 1,
      description: 'the event log, indexed by stream and by type',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${table('events')} (
          position BIGSERIAL PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          stream TEXT NOT NULL,
          revision INTEGER NOT NULL,
          type TEXT NOT NULL,
          data JSONB NOT NULL,
          metadata JSONB NOT NULL,
          transaction_id XID8 NOT NULL DEFAULT pg_current_xact_id(),
          CONSTRAINT events_stream_revision UNIQUE (stream, revision)
        )`,
        `CREATE INDEX IF NOT EXISTS events_type ON ${table('events')} (type, position)`,
      ],
    },
    { version: 2, description: 'appends in one statement (meent_append)', statements: [appendFunction(schema)] },
  ]);
}

/**
 * An append as one statement: the lock, the revision check, the insert and the notification run in the server, so the
 * store-wide lock is held for the statement's own work, never across round trips to this process. A wrong expected
 * version is answered as a row (the stream's revision), not raised; a reused id or revision raises the unique
 * violation the caller explains.
 */
function appendFunction(schema: string): string {
  const table = (name: string) => `"${schema}".${name}`;
  return `
    CREATE OR REPLACE FUNCTION ${table('meent_append')}(p_stream text, p_expected text, p_events jsonb)
    RETURNS TABLE (satisfied boolean, current_revision integer, last_position bigint)
    LANGUAGE plpgsql AS $append$
    DECLARE
      v_current integer;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('meent-append-${schema}'));
      SELECT max(revision) INTO v_current FROM ${table('events')} WHERE stream = p_stream;
      IF NOT (p_expected = 'any'
          OR (p_expected = 'no_stream' AND v_current IS NULL)
          OR (p_expected = 'stream_exists' AND v_current IS NOT NULL)
          OR (p_expected ~ '^[0-9]+$' AND v_current IS NOT NULL AND v_current = p_expected::integer)) THEN
        RETURN QUERY SELECT false, v_current, NULL::bigint;
        RETURN;
      END IF;
      IF jsonb_array_length(p_events) = 0 THEN
        RETURN QUERY SELECT true, coalesce(v_current, -1), 0::bigint;
        RETURN;
      END IF;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO ${table('events')} (id, stream, revision, type, data, metadata)
          SELECT event->>'id', p_stream, coalesce(v_current, -1) + ordinal::integer, event->>'type', event->'data', event->'metadata'
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS proposed(event, ordinal)
          ORDER BY ordinal
          RETURNING position
        )
        SELECT true, coalesce(v_current, -1) + jsonb_array_length(p_events), max(position) FROM inserted;
      PERFORM pg_notify('${CHANNEL}', '${schema}');
    END
    $append$`;
}

export class PostgresEventStore implements EventStore {
  private readonly pool: PostgresPool;
  private readonly connectionString: string;
  private readonly schema: string;
  private readonly pollIntervalMs: number;
  private listener: pg.Client | undefined;
  private readonly appendWaiters = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  /** The newest events as this process knows them, learned once for all its subscriptions. */
  private readonly tail = new LogTail({
    completeUpTo: (after) => this.completeUpTo(after),
    lastCommitted: () => this.lastCommittedPosition(),
    headers: (after, upTo, limit) => this.headers(after, upTo, limit),
  });
  private closed = false;

  constructor(options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`schema name ${this.schema} is not a plain identifier`);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.connectionString = options.connectionString;
    this.pool = new PostgresPool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      serves: 'event store',
      unavailableError: EventStoreUnavailableError,
      migrate: (client) => this.migrate(client),
    });
    // Migrate now; should PostgreSQL be away, the first statement tries again and reports it.
    void this.pool.ready().catch(() => undefined);
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }

  private async migrate(client: pg.PoolClient): Promise<void> {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await applyMigrations(migrationTransaction(client, this.table(MIGRATIONS_TABLE)), postgresEventTables(this.schema), new Date());
  }

  async append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      const proposed = events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }));
      const { rows } = await this.query<{ satisfied: boolean; current_revision: number | null; last_position: string | null }>(
        `SELECT satisfied, current_revision, last_position FROM ${this.table('meent_append')}($1, $2, $3::jsonb)`,
        [stream, String(expectedRevision), JSON.stringify(proposed)],
      );
      const [outcome] = rows;
      if (!outcome?.satisfied) throw new WrongExpectedVersionError(stream, expectedRevision, outcome?.current_revision ?? 'no_stream');
      return { nextExpectedRevision: outcome.current_revision ?? -1, position: Number(outcome.last_position ?? 0) };
    } catch (error) {
      const conflict = await this.explainConflict(stream, events, expectedRevision, error);
      if (conflict && 'position' in conflict) return conflict;
      throw conflict ?? error;
    }
  }

  /**
   * After a failed append: the same events already appended (an idempotent retry) answer as the first append did;
   * a concurrent writer that won the revision is a wrong expected version.
   */
  private async explainConflict(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    error: unknown,
  ): Promise<AppendResult | Error | undefined> {
    const violation = error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION ? error : undefined;
    if (!(error instanceof WrongExpectedVersionError) && !violation) return undefined;
    const earlier = await this.findEarlierAppend(stream, events, expected);
    if (earlier) return earlier;
    if (error instanceof WrongExpectedVersionError) return error;
    if (violation?.constraint === 'events_stream_revision') {
      const current = await this.streamRevision(stream);
      return new WrongExpectedVersionError(stream, expected, current ?? 'no_stream');
    }
    return new DuplicateEventIdError(stream, events.find(() => true)?.id ?? '');
  }

  private async findEarlierAppend(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    const { rows } = await this.query<{ id: string; stream: string; revision: number; position: string }>(
      `SELECT id, stream, revision, position FROM ${this.table('events')} WHERE id = ANY($1)`,
      [events.map((event) => event.id)],
    );
    const places = new Map(rows.map((row) => [row.id, { ...row, position: Number(row.position) }]));
    return earlierAppend(stream, events, expected, (id) => places.get(id));
  }

  private async streamRevision(stream: string): Promise<number | undefined> {
    const { rows } = await this.query<{ revision: number | null }>(`SELECT max(revision) AS revision FROM ${this.table('events')} WHERE stream = $1`, [stream]);
    return rows[0]?.revision ?? undefined;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    return readStreamInPages(
      async (from, backwards, limit) => {
        const { rows } = await this.query<EventRow>(
          `SELECT position, id, stream, revision, type, data, metadata FROM ${this.table('events')}
           WHERE stream = $1 AND revision ${backwards ? '<=' : '>='} $2 ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
          [stream, from, limit],
        );
        return rows.map(toRecordedEvent);
      },
      PAGE_SIZE,
      options,
    );
  }

  /** Every event committed before the call, unless an older transaction elsewhere holds them back for longer than a
   * moment: then what is visible by then, in order, never a later event before an earlier one. */
  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    await this.untilCommittedAreVisible();
    yield* readAllInPages((after, limit, filter) => this.readPage(after, limit, filter), PAGE_SIZE, options);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return catchUpSubscription(
      {
        readPage: (after, limit, filter) => this.readPage(after, limit, filter),
        waitForAppends: (after, signal) => this.waitForAppends(after, signal),
        completeUpTo: (after) => this.completeUpTo(after),
        passedOverToHead: (after, filter) => this.tail.passedOver(after, filter),
      },
      { ...options, pageSize: PAGE_SIZE },
      this.subscriptions,
    );
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.query<{ position: string | null }>(
      `SELECT max(position) AS position FROM ${this.table('events')} WHERE ${VISIBLE}`,
    );
    return Number(rows[0]?.position ?? 0);
  }

  async lastCommittedPosition(): Promise<number> {
    const { rows } = await this.query<{ position: string | null }>(`SELECT max(position) AS position FROM ${this.table('events')}`);
    return Number(rows[0]?.position ?? 0);
  }

  /** Below the first event after `after` that an older running transaction still hides; the head when none is. */
  private async completeUpTo(after: number): Promise<number> {
    const { rows } = await this.query<{ position: string | null }>(
      `SELECT coalesce(
         (SELECT min(position) - 1 FROM ${this.table('events')} WHERE position > $1 AND NOT (${VISIBLE})),
         (SELECT max(position) FROM ${this.table('events')}),
         $1
       ) AS position`,
      [after],
    );
    return Number(rows[0]?.position ?? after);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** Any transaction in the cluster older than an event's hides it for a while; a reader right after its own append
   * waits that out, briefly. */
  private async untilCommittedAreVisible(): Promise<void> {
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    for (;;) {
      const { rows } = await this.query<{ hidden: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${this.table('events')} WHERE NOT (${VISIBLE})) AS hidden`,
      );
      if (!rows[0]?.hidden || Date.now() >= deadline) return;
      await delay(10);
    }
  }

  private query<Row extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
    return this.pool.query<Row>(sql, values);
  }

  private async readPage(after: number, limit: number, filter: EventFilter | undefined): Promise<RecordedEvent[]> {
    const conditions = ['position > $1', VISIBLE];
    const values: unknown[] = [after];
    if (filter?.streamPrefixes) {
      values.push(filter.streamPrefixes);
      conditions.push(`EXISTS (SELECT 1 FROM unnest($${values.length}::text[]) AS prefix WHERE starts_with(stream, prefix))`);
    }
    if (filter?.eventTypes) {
      values.push(filter.eventTypes);
      conditions.push(`type = ANY($${values.length}::text[])`);
    }
    values.push(limit);
    const { rows } = await this.query<EventRow>(
      `SELECT position, id, stream, revision, type, data, metadata FROM ${this.table('events')}
       WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT $${values.length}`,
      values,
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * LISTEN/NOTIFY wakes subscribers on any process's append, and the tail learns what was appended once for them all;
   * a slow poll covers a notification lost in a reconnect.
   */
  private async waitForAppends(after: number, signal: AbortSignal): Promise<void> {
    // The listener is (re)established beside the wait, never before it: a connection slow to come back after a restart
    // would otherwise hold the subscription that asked for it for its whole connect and query timeouts, while the
    // others wait on the poll. Until it listens, the poll below wakes every waiter.
    this.listen().catch(() => undefined);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const finish = () => {
        clearTimeout(timer);
        this.appendWaiters.delete(finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      let timer = setTimeout(finish, this.pollIntervalMs);
      this.appendWaiters.add(finish);
      signal.addEventListener('abort', finish, { once: true });
      void this.tail.refresh().then(
        ({ end, committed }) => {
          // A notification may have come between the last read and now.
          if (end > after) return finish();
          // Committed, but hidden while an older transaction runs: its notification has come and gone, and nothing
          // will announce that it shows, so look again soon.
          if (committed > after) {
            clearTimeout(timer);
            timer = setTimeout(finish, HIDDEN_EVENTS_POLL_MS);
          }
        },
        () => undefined,
      );
    });
  }

  /** Position, stream and type of the events in (`after`, `upTo`]: what the tail learns of each. */
  private async headers(after: number, upTo: number, limit: number): Promise<EventHeader[]> {
    const { rows } = await this.query<{ position: string; stream: string; type: string }>(
      `SELECT position, stream, type FROM ${this.table('events')} WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3`,
      [after, upTo, limit],
    );
    return rows.map((row) => ({ position: Number(row.position), stream: row.stream, type: row.type }));
  }

  private async listen(): Promise<void> {
    if (this.listener || this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    this.listener = client;
    const wakeAll = () => {
      for (const wake of [...this.appendWaiters]) wake();
    };
    client.on('notification', (message) => {
      if (message.payload === this.schema) wakeAll();
    });
    client.on('error', () => {
      // Notifications sent while no one listened are lost: every waiter reads again, and the next wait listens anew.
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      wakeAll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.listener = undefined;
      await client.end().catch(() => undefined);
      throw this.pool.unavailable(error);
    }
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    stream: row.stream,
    revision: row.revision,
    position: Number(row.position),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
  };
}
