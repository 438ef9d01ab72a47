import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { catchUpSubscription } from '../catch-up-subscription.js';
import { earlierAppend, readAllInPages, readStreamInPages } from '../paging.js';
import { LogTail, type EventHeader } from './log-tail.js';
import { StreamPageReads, type StreamPage } from './stream-reads.js';
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
/**
 * The least time between two notifications of one process: under a steady stream of appends, a notification (a
 * transaction of its own) for each cost a single writer a fifth of its rate; one per 10 ms costs it next to nothing and
 * delays another process's subscriptions by at most that.
 */
const ANNOUNCE_INTERVAL_MS = 10;
const UNIQUE_VIOLATION = '23505';

/**
 * A position is the appending transaction's id times 2^16 plus the event's place in the append: the log is in the order
 * transactions got their ids, not the order they committed. No new transaction gets an id below the oldest one still
 * running (the snapshot's xmin), and every transaction below it has ended, so every event at or below xmin × 2^16 is
 * final: readers read that far and no further, and a transaction that commits late can never land behind one of them.
 * Writers need no store-wide lock for it (only writers of one stream wait for each other), so concurrent appends commit
 * as PostgreSQL flushes them, together. Positions stay exact in a JavaScript number up to transaction id 2^37.
 */
const TRANSACTION_SHIFT = 65536;
const FINAL_UP_TO = `pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${TRANSACTION_SHIFT}`;
/**
 * The same bound said of each row, which is how readers filter: a range over an expression the planner cannot
 * estimate made it sort whole tables instead of walking the index in order.
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
    { version: 2, description: 'appends in one statement (meent_append)', statements: [storeLockedAppendFunction(schema)] },
    {
      version: 3,
      description: 'appends without a store-wide lock, positioned in transaction order',
      statements: [
        // Every position before this one came from the sequence; the first in transaction order must lie above them all.
        `DO $check$ BEGIN
          IF (SELECT max(position) FROM ${table('events')}) > ${FINAL_UP_TO} THEN
            RAISE EXCEPTION 'the event log''s positions run ahead of the transaction ids: positions in transaction order would fall behind them';
          END IF;
        END $check$`,
        // Positions come only from the append function now: a row inserted with a position from the old sequence would
        // land behind events readers have passed.
        `ALTER TABLE ${table('events')} ALTER COLUMN position DROP DEFAULT`,
        appendFunction(schema),
      ],
    },
  ]);
}

/**
 * An append as one statement: the stream's lock, the revision check and the insert run in the server, one round trip.
 * The lock is per stream (the two-key form, a key space of its own): writers of one stream take turns, so `any` never
 * loses a race; writers of different streams never wait. It sends no notification: PostgreSQL commits the
 * transactions that notify one at a time, under a lock held through the commit's flush, which would queue every writer
 * behind every other as a store-wide lock did. A wrong expected version is answered as a row (the stream's revision),
 * not raised; a reused id or revision raises the unique violation the caller explains.
 */
function appendFunction(schema: string): string {
  const table = (name: string) => `"${schema}".${name}`;
  return `
    CREATE OR REPLACE FUNCTION ${table('meent_append')}(p_stream text, p_expected text, p_events jsonb)
    RETURNS TABLE (satisfied boolean, current_revision integer, last_position bigint)
    LANGUAGE plpgsql AS $append$
    DECLARE
      v_current integer;
      v_base bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('meent-append-${schema}'), hashtext(p_stream));
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
      IF jsonb_array_length(p_events) >= ${TRANSACTION_SHIFT} THEN
        RAISE EXCEPTION 'an append holds at most ${TRANSACTION_SHIFT - 1} events, not %', jsonb_array_length(p_events);
      END IF;
      v_base := pg_current_xact_id()::text::bigint * ${TRANSACTION_SHIFT};
      IF v_base >= 9007199254740992 - ${TRANSACTION_SHIFT} THEN
        RAISE EXCEPTION 'transaction id % is past what a position can hold exactly', pg_current_xact_id();
      END IF;
      IF EXISTS (SELECT 1 FROM ${table('events')} WHERE position > v_base AND position < v_base + ${TRANSACTION_SHIFT}) THEN
        RAISE EXCEPTION 'an append is a transaction of its own: this transaction has appended already';
      END IF;
      RETURN QUERY
        WITH inserted AS (
          INSERT INTO ${table('events')} (position, id, stream, revision, type, data, metadata)
          SELECT v_base + ordinal, event->>'id', p_stream, coalesce(v_current, -1) + ordinal::integer,
                 event->>'type', event->'data', event->'metadata'
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS proposed(event, ordinal)
          ORDER BY ordinal
          RETURNING position
        )
        SELECT true, coalesce(v_current, -1) + jsonb_array_length(p_events), max(position) FROM inserted;
    END
    $append$`;
}

/** Migration 2's append, as released (a released migration never changes): every writer of the store took one lock. */
function storeLockedAppendFunction(schema: string): string {
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
  /** A notification on its way, and whether appends committed since it left need another. */
  private announcing: Promise<void> | undefined;
  private announceAgain = false;
  private lastAnnouncedAt = Number.NEGATIVE_INFINITY;
  private readonly subscriptions = new Set<Subscription>();
  /** The newest events as this process knows them, learned once for all its subscriptions. */
  private readonly tail = new LogTail({
    completeUpTo: (after) => this.completeUpTo(after),
    lastCommitted: () => this.lastCommittedPosition(),
    headers: (after, upTo, limit) => this.headers(after, upTo, limit),
  });
  private readonly streamPages = new StreamPageReads<EventRow>((pages) => this.readStreamPages(pages));
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
      if (events.length > 0) this.announce();
      return { nextExpectedRevision: outcome.current_revision ?? -1, position: Number(outcome.last_position ?? 0) };
    } catch (error) {
      const conflict = await this.explainConflict(stream, events, expectedRevision, error);
      if (conflict && 'position' in conflict) return conflict;
      throw conflict ?? error;
    }
  }

  /**
   * Notifies every process's subscriptions, this one's too, once for all the appends committed while a notification was
   * on its way or within `ANNOUNCE_INTERVAL_MS` of the last: the first append after a quiet spell is announced at once.
   * Sent without waiting for its commit to reach the disk: a notification lost to a crash costs a subscription one
   * poll, and the commits that notify are the ones PostgreSQL takes one at a time.
   */
  private announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    const wait = this.lastAnnouncedAt + ANNOUNCE_INTERVAL_MS - performance.now();
    this.announcing = (wait > 0 ? delay(wait) : Promise.resolve())
      .then(() => {
        this.lastAnnouncedAt = performance.now();
        return this.pool.query(`BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_notify('${CHANNEL}', '${this.schema}'); COMMIT`);
      })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.announcing = undefined;
        if (this.announceAgain && !this.closed) {
          this.announceAgain = false;
          this.announce();
        }
      });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.appendWaiters]) wake();
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
        if (!backwards) return (await this.streamPages.read({ stream, fromRevision: from, limit })).map(toRecordedEvent);
        const { rows } = await this.query<EventRow>(
          `SELECT position, id, stream, revision, type, data, metadata FROM ${this.table('events')}
           WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
          [stream, from, limit],
        );
        return rows.map(toRecordedEvent);
      },
      PAGE_SIZE,
      options,
    );
  }

  /** The forward pages asked for side by side, in one query: each page its stream's events from its revision on. */
  private async readStreamPages(pages: readonly StreamPage[]): Promise<{ page: number; row: EventRow }[]> {
    const { rows } = await this.query<EventRow & { page: string }>(
      `SELECT asked.page - 1 AS page, e.position, e.id, e.stream, e.revision, e.type, e.data, e.metadata
       FROM unnest($1::text[], $2::integer[], $3::integer[]) WITH ORDINALITY AS asked (stream, from_revision, max_count, page)
       CROSS JOIN LATERAL (
         SELECT position, id, stream, revision, type, data, metadata FROM ${this.table('events')}
         WHERE stream = asked.stream AND revision >= asked.from_revision ORDER BY revision LIMIT asked.max_count
       ) AS e
       ORDER BY asked.page, e.revision`,
      [pages.map((page) => page.stream), pages.map((page) => page.fromRevision), pages.map((page) => page.limit)],
    );
    return rows.map(({ page, ...row }) => ({ page: Number(page), row }));
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

  /** As far as every event is final: up to the oldest running transaction's first position, or the head if lower. */
  private async completeUpTo(after: number): Promise<number> {
    const { rows } = await this.query<{ position: string | null }>(
      `SELECT greatest($1::bigint, least(${FINAL_UP_TO}, (SELECT coalesce(max(position), 0) FROM ${this.table('events')}))) AS position`,
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
    await this.announcing;
    await this.pool.end();
  }

  /** Any transaction in the cluster older than an event's hides it for a while; a reader right after its own append
   * waits that out, briefly. */
  private async untilCommittedAreVisible(): Promise<void> {
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    for (;;) {
      const { rows } = await this.query<{ hidden: boolean }>(
        `SELECT coalesce(max(position), 0) > ${FINAL_UP_TO} AS hidden FROM ${this.table('events')}`,
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
    client.on('notification', (message) => {
      if (message.payload === this.schema) this.wakeWaiters();
    });
    client.on('error', () => {
      // Notifications sent while no one listened are lost: every waiter reads again, and the next wait listens anew.
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      this.wakeWaiters();
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
