import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { catchUpSubscription } from '../catch-up-subscription.js';
import { earlierAppend, readAllInPages, readStreamInPages } from '../paging.js';
import { applySqliteMigrations, defineSchema } from '../schema-migrations.js';
import { checkpointInBackground, type BackgroundCheckpoints } from './background-checkpoints.js';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  StoreUnavailableError,
  WrongExpectedVersionError,
  satisfiesExpectation,
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
  type UnavailableErrorClass,
} from '../event-store.js';

/**
 * `normal`: WAL without an fsync per commit; an acknowledged append survives the process being killed, not a power
 * cut. `full`: fsync on every commit; survives a power cut too, at a fraction of the append rate.
 */
export type SqliteDurability = 'normal' | 'full';

export interface SqliteEventStoreOptions {
  readonly path: string;
  readonly durability?: SqliteDurability;
  /** How often a live subscription looks for appends made by other processes sharing the file. */
  readonly pollIntervalMs?: number;
  /** How long an append waits for another process's write lock before it is refused as unavailable. */
  readonly busyTimeoutMs?: number;
}

/**
 * SQLite waits for another connection's lock by sleeping the thread, which stops every request of the process: a
 * lock held for longer than this is a fault (a stuck tool holding the file), answered 503, not a wait.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 1000;

/** Columns in the order `EVENT_COLUMNS` selects them; rows come back as arrays, which is cheaper than objects. */
type EventRow = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];
const EVENT_COLUMNS = 'position, id, stream, revision, type, data, metadata';

const PAGE_SIZE = 2000;
const RECENT_APPENDS = 256;
/** How many of the latest appended rows are kept to serve subscriptions from memory. */
const RECENT_ROWS = 2048;

interface RecentAppend {
  readonly first: number;
  readonly last: number;
  readonly stream: string;
  readonly types: ReadonlySet<string>;
  /** The rows as written; dropped, oldest first, once more than `RECENT_ROWS` are kept. */
  rows: readonly EventRow[] | undefined;
}

function appendMatches(append: RecentAppend, filter: EventFilter): boolean {
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => append.stream.startsWith(prefix))) return false;
  return !filter.eventTypes || filter.eventTypes.some((type) => append.types.has(type));
}

function rowMatches([, , stream, , type]: EventRow, filter: EventFilter | undefined): boolean {
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => stream.startsWith(prefix))) return false;
  return !filter?.eventTypes || filter.eventTypes.includes(type);
}

export const SQLITE_EVENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream, revision)
  );
  -- Reads by event type (projections' and reactions' subscriptions, the history's ?type=) find their events without
  -- reading every other one.
  CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
`;

/** The event log's tables, versioned: see `schema-migrations.ts`. */
export const SQLITE_EVENTS_MIGRATIONS = defineSchema('events', [
  { version: 1, description: 'the event log, indexed by stream and by type', statements: [SQLITE_EVENTS_SCHEMA] },
]);

/**
 * The files hold events, keys and read models with personal data: readable by the owner only. SQLite gives its log and
 * shared-memory files the database file's mode, so creating that one 0600 covers all three; files of an older
 * install are narrowed to it.
 */
function keepPrivate(path: string): void {
  if (path === ':memory:') return;
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

/**
 * SQLite's result codes for a database that cannot be used for now rather than a statement that is wrong: another
 * process holds the file's lock past the busy timeout, the disk is full, the file cannot be read, written or opened.
 */
const UNAVAILABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PROTOCOL'];

/** The store's unavailability error when `error` is such a fault of the file `serves` is kept in; else `error`. */
export function sqliteUnavailable(error: unknown, serves: string, Unavailable: UnavailableErrorClass = StoreUnavailableError): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  const code = String(error.code);
  if (!UNAVAILABLE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) return error;
  return new Unavailable(`SQLite (${serves}) cannot be used now (${code}): ${error.message}`, { cause: error });
}

/** Runs SQLite statements for `serves`, a fault of its file surfacing as the store's unavailability. */
export function guardSqlite<T>(serves: string, statements: () => T, Unavailable?: UnavailableErrorClass): T {
  try {
    return statements();
  } catch (error) {
    throw sqliteUnavailable(error, serves, Unavailable);
  }
}

export function openSqliteDatabase(path: string, durability: SqliteDurability, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Database.Database {
  keepPrivate(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly checkpoints: BackgroundCheckpoints;
  private readonly pollIntervalMs: number;
  private readonly appendWaiters = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly appendInTransaction: Database.Transaction<SqliteEventStore['appendChecked']>;
  private readonly filteredPageStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  /** This process's latest appends, oldest first: what idle filtered subscriptions can pass over without a query. */
  private readonly recentAppends: RecentAppend[] = [];
  private recentRows = 0;
  /** The rows the append in progress has inserted. */
  private appendedRows: EventRow[] = [];
  /** The head as read in this turn of the event loop, for the subscriptions that one append wakes together. */
  private headThisTurn: number | undefined;
  private closed = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openSqliteDatabase(options.path, options.durability ?? 'normal', options.busyTimeoutMs);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    applySqliteMigrations(this.db, SQLITE_EVENTS_MIGRATIONS, new Date());
    this.checkpoints = checkpointInBackground(this.db);
    this.statements = {
      streamRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT max(revision) AS revision FROM events WHERE stream = ?',
      ),
      insert: this.db.prepare<[string, string, number, string, string, string]>(
        'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      byId: this.db.prepare<[string], { stream: string; revision: number; position: number }>(
        'SELECT stream, revision, position FROM events WHERE id = ?',
      ),
      streamForwards: this.db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(true),
      streamBackwards: this.db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(true),
      head: this.db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events'),
    };
    this.appendInTransaction = this.db.transaction(this.appendChecked.bind(this));
  }

  append(stream: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      this.appendedRows = [];
      const result = this.appendInTransaction.immediate(stream, events, expectedRevision);
      if (events.length > 0) this.remember(stream, this.appendedRows);
      this.headThisTurn = undefined;
      this.wakeSubscribers();
      return Promise.resolve(result);
    } catch (error) {
      const isConflict = error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError;
      const earlier = isConflict ? this.findEarlierAppend(stream, events, expectedRevision) : undefined;
      if (earlier) return Promise.resolve(earlier);
      const failure = sqliteUnavailable(error, 'events', EventStoreUnavailableError);
      return Promise.reject(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }

  private appendChecked(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult {
    const current = this.statements.streamRevision.get(stream)?.revision ?? null;
    const actual = current ?? 'no_stream';
    if (!satisfiesExpectation(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
    if (events.length === 0) {
      return { nextExpectedRevision: current ?? -1, position: 0 };
    }
    let revision = current ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      try {
        const data = JSON.stringify(event.data);
        const metadata = JSON.stringify(event.metadata);
        position = Number(this.statements.insert.run(event.id, stream, revision, event.type, data, metadata).lastInsertRowid);
        this.appendedRows.push([position, event.id, stream, revision, event.type, data, metadata]);
      } catch (error) {
        throw isUniqueIdViolation(error) ? new DuplicateEventIdError(stream, event.id) : error;
      }
    }
    return { nextExpectedRevision: revision, position };
  }

  private remember(stream: string, rows: readonly EventRow[]): void {
    const first = rows[0]![0];
    const last = rows[rows.length - 1]![0];
    this.recentAppends.push({ first, last, stream, types: new Set(rows.map(([, , , , type]) => type)), rows });
    this.recentRows += rows.length;
    if (this.recentAppends.length > RECENT_APPENDS) this.recentRows -= this.recentAppends.shift()?.rows?.length ?? 0;
    for (const append of this.recentAppends) {
      if (this.recentRows <= RECENT_ROWS) break;
      this.recentRows -= append.rows?.length ?? 0;
      append.rows = undefined;
    }
  }

  /**
   * Every event after `after` up to the head was appended here, one append right after another, and none matches:
   * the head. Another process's append in between (a gap) or a match: undefined, and the subscription reads.
   */
  private passedOverToHead(after: number, filter: EventFilter): number | undefined {
    const head = this.head();
    let known = after;
    for (const append of this.recentAppends) {
      if (known >= head) break;
      if (append.last <= known) continue;
      if (append.first !== known + 1 || appendMatches(append, filter)) return undefined;
      known = append.last;
    }
    return known === head ? head : undefined;
  }

  private findEarlierAppend(
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): AppendResult | undefined {
    return earlierAppend(stream, events, expected, (id) => this.statements.byId.get(id));
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    return readStreamInPages(
      async (from, backwards, limit) =>
        this.reading(() =>
          (backwards ? this.statements.streamBackwards : this.statements.streamForwards).all(stream, from, limit).map(toRecordedEvent),
        ),
      PAGE_SIZE,
      options,
    );
  }

  readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    // Always from the file: an audit must see what is on disk, not what this process remembers writing.
    return readAllInPages(async (after, limit, filter) => this.reading(() => this.storedPage(after, limit, filter)), PAGE_SIZE, options);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return catchUpSubscription(
      {
        readPage: async (after, limit, filter) => this.reading(() => this.recentPage(after, limit, filter) ?? this.storedPage(after, limit, filter)),
        waitForAppends: (after, signal) => this.waitForAppends(after, signal),
        // Positions commit in order here: every event up to the head is there to read.
        completeUpTo: async () => this.head(),
        passedOverToHead: (after, filter) => this.passedOverToHead(after, filter),
      },
      options,
      this.subscriptions,
    );
  }

  async headPosition(): Promise<number> {
    return this.reading(() => this.statements.head.get()?.position ?? 0);
  }

  private reading<T>(read: () => T): T {
    return guardSqlite('events', read, EventStoreUnavailableError);
  }

  /** Positions commit in order here: the head is the newest committed event. */
  lastCommittedPosition(): Promise<number> {
    return this.headPosition();
  }

  /**
   * Read at most once a turn, and again after an append here. Another process's append in the same turn is seen in
   * the next, as its appends are only ever found by polling.
   */
  private head(): number {
    if (this.headThisTurn === undefined) {
      this.headThisTurn = this.statements.head.get()?.position ?? 0;
      setImmediate(() => {
        this.headThisTurn = undefined;
      });
    }
    return this.headThisTurn;
  }

  async ping(): Promise<void> {
    this.reading(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.checkpoints.release();
    this.db.close();
  }

  /**
   * The page from the rows this process appended last, when they hold every event from `after` to the head: the
   * subscriptions an append wakes read what it wrote without a query. Undefined when another process's append or a
   * dropped row leaves a gap, or there is nothing after `after`.
   */
  private recentPage(after: number, limit: number, filter: EventFilter | undefined): RecordedEvent[] | undefined {
    const head = this.head();
    if (head <= after) return undefined;
    const page: RecordedEvent[] = [];
    let known = after;
    for (const append of this.recentAppends) {
      if (append.last <= known) continue;
      if (append.first > known + 1 || !append.rows) return undefined;
      for (const row of append.rows) {
        if (row[0] <= known || !rowMatches(row, filter)) continue;
        page.push(toRecordedEvent(row));
        if (page.length === limit) return page;
      }
      known = append.last;
    }
    return known >= head ? page : undefined;
  }

  /**
   * The page after `after`. Filtered by event type, the next positions are scanned first, which finds a page at once
   * where the types are most of the log (a read shared by every projection); what the scan leaves to find is looked up
   * through each type's index, which finds rare types far apart without reading what lies between.
   */
  private storedPage(after: number, limit: number, filter: EventFilter | undefined): RecordedEvent[] {
    if (!filter?.eventTypes || filter.eventTypes.length === 0) return this.pageOf(pageQuery(filter), after, limit);
    const scanEnd = after + limit * SCANNED_POSITIONS_PER_EVENT;
    const scanned = this.pageOf(scanQuery(filter, scanEnd), after, limit);
    if (scanned.length === limit) return scanned;
    return [...scanned, ...this.pageOf(pageQuery(filter), scanEnd, limit - scanned.length)];
  }

  private pageOf(query: PageQuery, after: number, limit: number): RecordedEvent[] {
    let statement = this.filteredPageStatements.get(query.sql);
    if (statement) {
      this.filteredPageStatements.delete(query.sql);
    } else {
      statement = this.db.prepare<unknown[], EventRow>(query.sql).raw(true);
      // The shape follows the filter a caller asks for, so only the most recently used shapes stay prepared.
      if (this.filteredPageStatements.size >= PREPARED_FILTER_SHAPES) {
        this.filteredPageStatements.delete(this.filteredPageStatements.keys().next().value as string);
      }
    }
    this.filteredPageStatements.set(query.sql, statement);
    return statement.all(...query.parameters(after, limit)).map(toRecordedEvent);
  }

  private wakeSubscribers(): void {
    for (const wake of [...this.appendWaiters]) wake();
  }

  /** Appends through this instance wake subscribers at once; appends by other processes are found by polling. */
  private waitForAppends(after: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.appendWaiters.delete(finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const poll = () => {
        if (this.head() > after) finish();
        else timer = setTimeout(poll, this.pollIntervalMs);
      };
      if (signal.aborted) return finish();
      this.appendWaiters.add(finish);
      signal.addEventListener('abort', finish, { once: true });
      poll();
    });
  }
}

/**
 * Filter shapes kept prepared, two statements each when filtered by type: every projection's and reaction's, with room
 * for the history's.
 */
const PREPARED_FILTER_SHAPES = 128;
/**
 * How far a filtered page is scanned by position before the types' indexes are asked: a page is found by the scan
 * alone while at least one event in this many is of the types.
 */
const SCANNED_POSITIONS_PER_EVENT = 4;

interface PageQuery {
  readonly sql: string;
  readonly parameters: (after: number, limit: number) => (string | number)[];
}

/** The events of `filter` from `after` up to `end`, in the log's order. */
function scanQuery(filter: EventFilter, end: number): PageQuery {
  const { conditions, parameters: filterParameters } = streamConditions(filter);
  const types = filter.eventTypes ?? [];
  return {
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE ${['position > ?', 'position <= ?', `type IN (${types.map(() => '?').join(', ')})`, ...conditions].join(' AND ')} ORDER BY position LIMIT ?`,
    parameters: (after, limit) => [after, end, ...types, ...filterParameters, limit],
  };
}

function streamConditions(filter: EventFilter | undefined): { conditions: string[]; parameters: (string | number)[] } {
  if (!filter?.streamPrefixes) return { conditions: [], parameters: [] };
  return {
    conditions: [`(${filter.streamPrefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ') || '0'})`],
    parameters: filter.streamPrefixes.flatMap((prefix) => [prefix.length, prefix]),
  };
}

/**
 * The page after `after`, and its parameters. Filtered by event type, each type's next events are found through the
 * index by type, at most a page of each, and the page is the first of them in the log's order: reading the types'
 * events together had SQLite read every later event of those types and sort them, for each page — a catch-up read the
 * rest of the log again for every page it took.
 */
function pageQuery(filter: EventFilter | undefined): PageQuery {
  const { conditions, parameters: filterParameters } = streamConditions(filter);
  const types = filter?.eventTypes;
  if (!types || types.length === 0) {
    if (types) conditions.push('0');
    return {
      sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE ${['position > ?', ...conditions].join(' AND ')} ORDER BY position LIMIT ?`,
      parameters: (after, limit) => [after, ...filterParameters, limit],
    };
  }
  const ofType = `SELECT position FROM (
    SELECT position FROM events WHERE ${['type = ?', 'position > ?', ...conditions].join(' AND ')} ORDER BY position LIMIT ?
  )`;
  return {
    sql: `SELECT ${EVENT_COLUMNS} FROM events WHERE position IN (
      SELECT position FROM (${types.map(() => ofType).join(' UNION ALL ')}) ORDER BY position LIMIT ?
    ) ORDER BY position`,
    parameters: (after, limit) => [...types.flatMap((type) => [type, after, ...filterParameters, limit]), limit],
  };
}

function toRecordedEvent([position, id, stream, revision, type, data, metadata]: EventRow): RecordedEvent {
  return {
    id,
    stream,
    revision,
    position,
    type,
    data: JSON.parse(data) as JsonObject,
    metadata: JSON.parse(metadata) as JsonObject,
  };
}

function isUniqueIdViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('events.id')
  );
}
