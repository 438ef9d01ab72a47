// The log of the EventStoreDB test server: what every node of a test cluster holds. Replication is taken as instant —
// a follower never lags — so this is one log shared by the nodes; what belongs to a node alone (its cache of recent
// event ids, whether it leads) lives with the node. References are to the EventStoreDB server's source
// (github.com/EventStore/EventStore, v24.10) and its documentation.

/** One event record of the transaction log. Appends through gRPC write each event as its own prepare, so its commit
 * and prepare positions are both the record's offset in the log (`Streams.Append.cs`, `Position.cs`). */
export interface LogRecord {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** .NET ticks (100 ns since 0001-01-01), as the server sends `created`. */
  readonly created: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** `any` is -2, `no_stream` -1, `stream_exists` -4 on the server (`AnyStreamRevision.cs`); a number is a revision. */
export type Expectation = 'any' | 'no_stream' | 'stream_exists' | number;

export type AppendOutcome =
  | { readonly kind: 'written'; readonly lastRevision: number; readonly position: number }
  | { readonly kind: 'idempotent'; readonly lastRevision: number }
  | { readonly kind: 'wrong-expected-version'; readonly current: number | undefined };

/** Where each event id was written, as the leader remembers it since it took over. */
export type RecentEventIds = Map<string, { readonly stream: string; readonly revision: number }>;

/** A record's header on disk beside its variable parts: positions are byte offsets, so they are far from dense. */
const RECORD_OVERHEAD_BYTES = 105;
/** The log does not start at 0: the server writes its epoch and system records first. */
const FIRST_RECORD_POSITION = 1_024;
const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000n;
const encoder = new TextEncoder();

export class ReplicatedLog {
  private readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private readonly appendListeners = new Set<() => void>();
  private nextPosition = FIRST_RECORD_POSITION;

  /** With `linkByCategory`, the `$by_category` system projection is taken as running: every event of a stream
   * `category-…` gets a link event (`$>`, data `revision@stream`) in `$ce-category`, written after it. */
  constructor(private readonly options: { readonly linkByCategory: boolean }) {
    // What a fresh server holds before any client writes: the default users (`$users`, `$user-admin`, `$user-ops`).
    for (const login of ['admin', 'ops']) {
      this.write(`$user-${login}`, [systemEvent('$User', { loginName: login })]);
      this.write('$users', [systemEvent('$UserCreated', { loginName: login })]);
    }
  }

  get end(): number {
    return this.nextPosition;
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * The index writer's commit check (`IndexWriter.CheckCommit`): an exact revision or `no_stream` already passed is a
   * retry when the events after it carry the same ids, in order; `any` and `stream_exists` recognise a retry only by
   * the leader's cache of recent ids, so after a leader change such a retry is written again.
   */
  append(stream: string, expected: Expectation, events: readonly ProposedEvent[], recent: RecentEventIds): AppendOutcome {
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length === 0 ? undefined : existing.length - 1;
    if (expected === 'no_stream' || typeof expected === 'number') {
      const expectedLast = expected === 'no_stream' ? -1 : expected;
      if ((current ?? -1) === expectedLast) return this.written(stream, events, recent);
      if ((current ?? -1) < expectedLast) return { kind: 'wrong-expected-version', current };
      const retried = events.every((event, index) => existing[expectedLast + 1 + index]?.id === event.id);
      return retried && events.length > 0
        ? { kind: 'idempotent', lastRevision: expectedLast + events.length }
        : { kind: 'wrong-expected-version', current };
    }
    if (expected === 'stream_exists' && current === undefined) return { kind: 'wrong-expected-version', current };
    const remembered = events.map((event) => recent.get(event.id));
    const first = remembered[0];
    if (first?.stream === stream) {
      const sameRun = remembered.every((place, index) => place?.stream === stream && place.revision === first.revision + index);
      return sameRun ? { kind: 'idempotent', lastRevision: first.revision + events.length - 1 } : { kind: 'wrong-expected-version', current };
    }
    return this.written(stream, events, recent);
  }

  private written(stream: string, events: readonly ProposedEvent[], recent: RecentEventIds): AppendOutcome {
    const records = this.write(stream, events);
    for (const record of records) recent.set(record.id, { stream, revision: record.revision });
    const last = records.at(-1);
    if (!last) return { kind: 'written', lastRevision: (this.streams.get(stream)?.length ?? 0) - 1, position: -1 };
    if (this.options.linkByCategory && !stream.startsWith('$') && stream.includes('-')) {
      const category = stream.slice(0, stream.indexOf('-'));
      this.write(
        `$ce-${category}`,
        records.map((record) => ({
          id: crypto.randomUUID(),
          type: '$>',
          contentType: 'application/octet-stream',
          data: encoder.encode(`${record.revision}@${record.stream}`),
          metadata: new Uint8Array(),
        })),
      );
    }
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  private write(stream: string, events: readonly ProposedEvent[]): LogRecord[] {
    let existing = this.streams.get(stream);
    if (!existing) {
      existing = [];
      this.streams.set(stream, existing);
    }
    const created = TICKS_AT_UNIX_EPOCH + BigInt(Date.now()) * 10_000n;
    const records = events.map((event) => {
      const record: LogRecord = { ...event, stream, revision: existing.length, position: this.nextPosition, created };
      this.nextPosition += RECORD_OVERHEAD_BYTES + stream.length + event.type.length + event.data.length + event.metadata.length;
      existing.push(record);
      this.records.push(record);
      return record;
    });
    if (records.length > 0) for (const listener of [...this.appendListeners]) listener();
    return records;
  }

  /** Appends a system event, as the server's own services do (scavenges, settings, statistics). */
  appendSystemEvent(stream: string, type: string, data: Record<string, unknown>): LogRecord {
    const [record] = this.write(stream, [systemEvent(type, data)]);
    if (!record) throw new Error('a system event was not written');
    return record;
  }

  streamRecords(stream: string): readonly LogRecord[] | undefined {
    return this.streams.get(stream);
  }

  /** The record at `position` and those after it: a forward read of `$all` includes its start (`Enumerators.ReadAllForwards`). */
  indexFrom(position: number): number {
    return this.search(position);
  }

  /** Records strictly before `position`, newest first: a backward read of `$all` excludes its start (`Enumerators.ReadAllBackwards`). */
  indexBefore(position: number): number {
    return this.search(position) - 1;
  }

  at(index: number): LogRecord | undefined {
    return this.records[index];
  }

  /** The first index whose record is at or after `position`. */
  private search(position: number): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle]?.position ?? Infinity) < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Resolves after the next append, or when `signal` aborts. */
  nextAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.appendListeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (signal.aborted) return resolve();
      this.appendListeners.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function systemEvent(type: string, data: Record<string, unknown>): ProposedEvent {
  return {
    id: crypto.randomUUID(),
    type,
    contentType: 'application/json',
    data: encoder.encode(JSON.stringify(data)),
    metadata: new Uint8Array(),
  };
}
