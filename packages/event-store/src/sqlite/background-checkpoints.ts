// A WAL checkpoint copies the log into the database file and ends with an fsync: 20–30 ms on these disks. SQLite runs
// it inside whichever commit crosses 1,000 pages, so with better-sqlite3's synchronous calls every request in flight
// waited for it. Here one worker thread per process checkpoints every registered database instead, and their
// writers' connections checkpoint themselves only when the worker cannot keep up.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const INTERVAL_MS = 200;
/**
 * Only a writer starts the log over, and only when it finds everything in it copied: under writes that never pause (a
 * replay) a checkpoint every interval never ends in such a moment, and the log would grow without end. Past this many
 * frames (16 MiB) the worker checkpoints again at once, each time only the little written since, until a write
 * catches it with nothing left to copy and starts the log over.
 */
const RESTART_FRAMES = 4096;
const CATCH_UP_ATTEMPTS = 100;
/** Writes faster than the worker can copy still meet a bound (256 MiB): the writer's own checkpoint, as before. */
const WRITER_CHECKPOINT_FRAMES = 16 * RESTART_FRAMES;
/** SQLite's own default, put back on a connection whose background checkpoints failed. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointResult {
  /** Frames in the write-ahead log. */
  readonly log: number;
  /** Frames of it now in the database file. */
  readonly checkpointed: number;
}

type Request = { kind: 'open' | 'close' | 'checkpoint'; id: number; path?: string };
type Reply =
  | { kind: 'closed'; id: number }
  | { kind: 'checkpointed'; id: number; result: CheckpointResult }
  | { kind: 'failed'; id: number };

// CommonJS evaluated in the worker: it needs no TypeScript loader, only the driver the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = new Map();
const checkpoint = (db) => {
  let [row] = db.pragma('wal_checkpoint(PASSIVE)');
  for (let attempt = 0; row.log >= workerData.restartFrames && attempt < workerData.catchUpAttempts; attempt += 1) {
    [row] = db.pragma('wal_checkpoint(PASSIVE)');
  }
  return { log: row.log, checkpointed: row.checkpointed };
};
const failed = (id) => {
  open.get(id)?.close();
  open.delete(id);
  parentPort.postMessage({ kind: 'failed', id });
};
setInterval(() => {
  for (const [id, db] of open) {
    try { checkpoint(db); } catch { failed(id); }
  }
}, workerData.intervalMs);
parentPort.on('message', ({ kind, id, path }) => {
  try {
    if (kind === 'open') {
      // Reading the journal mode maps the shared index at once, as every connection to a WAL database does.
      open.set(id, new Database(path, { fileMustExist: true, timeout: 0 }));
      if (open.get(id).pragma('journal_mode', { simple: true }) !== 'wal') throw new Error(path + ' has no write-ahead log');
    }
    if (kind === 'checkpoint') parentPort.postMessage({ kind: 'checkpointed', id, result: checkpoint(open.get(id)) });
    if (kind === 'close') {
      open.get(id)?.close();
      open.delete(id);
      parentPort.postMessage({ kind: 'closed', id });
    }
  } catch {
    failed(id);
  }
});
`;

interface Registered {
  readonly db: Database.Database;
  readonly waiting: ((reply: Reply) => void)[];
}

class Checkpointer {
  private readonly worker: Worker;
  private readonly registered = new Map<number, Registered>();
  private nextId = 1;
  private awaitingReplies = 0;

  constructor() {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { driver, intervalMs: INTERVAL_MS, restartFrames: RESTART_FRAMES, catchUpAttempts: CATCH_UP_ATTEMPTS };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData, execArgv: [] });
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', () => this.fallBackForAll());
    this.worker.on('exit', () => this.fallBackForAll());
    // Never what keeps a process alive, unless a reply is awaited: databases still registered at exit close with it.
    this.worker.unref();
  }

  register(db: Database.Database): number {
    const id = this.nextId;
    this.nextId += 1;
    db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_FRAMES}`);
    // A log that grew under a burst is cut back when it starts over, not kept at its largest on disk.
    db.pragma(`journal_size_limit = ${RESTART_FRAMES * Number(db.pragma('page_size', { simple: true }))}`);
    this.registered.set(id, { db, waiting: [] });
    this.send({ kind: 'open', id, path: db.name });
    return id;
  }

  async checkpoint(id: number): Promise<CheckpointResult> {
    const reply = await this.ask({ kind: 'checkpoint', id });
    if (reply.kind !== 'checkpointed') throw new Error(`no background checkpoint of database ${id}`);
    return reply.result;
  }

  async release(id: number): Promise<void> {
    if (!this.registered.has(id)) return;
    await this.ask({ kind: 'close', id });
    this.registered.delete(id);
  }

  private ask(request: Request): Promise<Reply> {
    const registered = this.registered.get(request.id);
    if (!registered) return Promise.resolve({ kind: 'failed', id: request.id });
    return new Promise((resolve) => {
      registered.waiting.push((reply) => {
        this.awaitingReplies -= 1;
        if (this.awaitingReplies === 0) this.worker.unref();
        resolve(reply);
      });
      this.awaitingReplies += 1;
      this.worker.ref();
      this.send(request);
    });
  }

  private send(request: Request): void {
    this.worker.postMessage(request);
  }

  private receive(reply: Reply): void {
    const registered = this.registered.get(reply.id);
    if (!registered) return;
    if (reply.kind === 'failed') {
      this.fallBack(reply.id, registered);
      return;
    }
    registered.waiting.shift()?.(reply);
  }

  /** The database checkpoints itself again, inside its commits, as SQLite does by default. */
  private fallBack(id: number, registered: Registered): void {
    if (registered.db.open) registered.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.registered.delete(id);
    for (const resolve of registered.waiting.splice(0)) resolve({ kind: 'failed', id });
  }

  private fallBackForAll(): void {
    for (const [id, registered] of this.registered) this.fallBack(id, registered);
    checkpointer = undefined;
  }
}

let checkpointer: Checkpointer | undefined;

/** A registered WAL database, checkpointed by the worker; release it before closing the connection. */
export interface BackgroundCheckpoints {
  /** Checkpoints now, rather than at the next interval. */
  checkpoint(): Promise<CheckpointResult>;
  release(): Promise<void>;
}

/** `PRAGMA synchronous` of a connection that syncs the log at every commit (`FULL`; `EXTRA` is 3). */
const SYNCHRONOUS_FULL = 2;

/**
 * Moves a file database's WAL checkpoints off the calling thread. A database not in WAL mode (in memory, say) is
 * left as it is, and so is one that syncs every commit (durability `full`): each of its commits already waits for the
 * disk, a checkpoint syncs the log again before it copies, and the worker's checkpoint every 200 ms put those syncs in
 * the commits' way — appends at 0.66 of raw better-sqlite3 with the worker, 0.99 without it (`pnpm bench
 * event-store`). It checkpoints inside its commits, every 1,000 pages, as SQLite does by default.
 */
export function checkpointInBackground(db: Database.Database): BackgroundCheckpoints {
  const journalMode = db.pragma('journal_mode', { simple: true });
  if (journalMode !== 'wal' || Number(db.pragma('synchronous', { simple: true })) >= SYNCHRONOUS_FULL) {
    return {
      checkpoint: async () => ({ log: 0, checkpointed: 0 }),
      release: async () => undefined,
    };
  }
  checkpointer ??= new Checkpointer();
  const owner = checkpointer;
  const id = owner.register(db);
  return { checkpoint: () => owner.checkpoint(id), release: () => owner.release(id) };
}
