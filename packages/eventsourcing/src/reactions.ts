// Reactions (process managers): one context's events in, commands to another out. An event is delivered at least
// once — the checkpoint moves only after its reaction finished — and each command a reaction sends carries an
// idempotency key made from the causing event, so a reaction repeated after a crash appends nothing twice.
import { setMaxListeners } from 'node:events';
import { abortableDelay, defineSchema, type EventStore } from '@meent/event-store';
import { ForeignStreamError, type CommandContext, type CommandHandler } from './command-handler.js';
import type { EventRegistry, StoredEvent } from './events.js';
import type { Lease, ReadModelStore } from './read-model-store.js';
import { retryDelayMs } from './retry.js';
import { TimeSlices } from './time-slices.js';

export interface Reaction {
  /** Names the checkpoint, and keys the commands it sends: never rename a reaction that has run. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  /**
   * Where a reaction run for the first time begins: at the first event (the default: a process manager owes every
   * command its events ask for), or at the newest, for one that tells people what happens from now on — deployed on a
   * store with years of history, a notice about each old event would be news to nobody.
   */
  readonly startsAt?: 'first-event' | 'head';
  react(event: StoredEvent, commands: CommandHandler): Promise<void>;
}

export const REACTION_CHECKPOINTS_TABLE = 'meent_reaction_checkpoints';
const LEASE_RETRY_MS = 2000;

/** The context of a command a reaction sends because of `event`: correlated with it, caused by it, keyed by both. */
export function causedBy(reaction: Pick<Reaction, 'name'>, event: StoredEvent): CommandContext {
  return {
    cooperativeId: event.metadata.cooperativeId,
    actor: { id: `reaction:${reaction.name}`, roles: ['system'] },
    correlationId: event.metadata.correlationId,
    causationId: event.id,
    occurredAt: new Date(event.metadata.occurredAt),
    idempotencyKey: `${reaction.name}/${event.id}`,
  };
}

export interface ReactionStatus {
  readonly name: string;
  /**
   * `running` here; `standby` while another process holds its lease; `retrying` while it, or the store under it,
   * keeps failing.
   */
  readonly status: 'starting' | 'running' | 'standby' | 'retrying';
  /** How far it has read: every event up to here that it reacts to has had its reaction. */
  readonly position: number;
  /** Set while a reaction keeps failing: it is retried, never skipped. */
  readonly failure: { readonly message: string; readonly position: number; readonly attempts: number } | null;
}

export interface ReactionsOptions {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly registry: EventRegistry;
  readonly commands: CommandHandler;
  readonly reactions: readonly Reaction[];
  /** A fixed pause before each retry, instead of the back-off: for tests. */
  readonly retryDelayMs?: number;
  readonly onFailure?: (reaction: string, error: unknown, position: number) => void;
}

/** The reactions' bookkeeping, versioned: a change to it is a new migration at the end of this list. */
export const REACTION_TABLES = defineSchema('reactions', [
  {
    version: 1,
    description: 'where each reaction has reacted up to',
    statements: [`CREATE TABLE IF NOT EXISTS ${REACTION_CHECKPOINTS_TABLE} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`],
  },
]);

export class Reactions {
  private readonly statuses = new Map<string, ReactionStatus>();
  private readonly closing = new AbortController();
  private readonly running: Promise<void>[] = [];

  private constructor(private readonly options: ReactionsOptions) {}

  static async start(options: ReactionsOptions): Promise<Reactions> {
    const reactions = new Reactions(options);
    // Each reaction listens for the close at most twice at a time — its subscription's stop, a retry's pause — so a
    // deployment with many reactions is not mistaken for a listener leak.
    setMaxListeners(2 * options.reactions.length + 1, reactions.closing.signal);
    await options.readModels.migrate(REACTION_TABLES);
    await options.readModels.transaction(async (transaction) => {
      // One that starts at the head gets its checkpoint when it first runs: the event store may be out of reach now.
      for (const reaction of options.reactions.filter((candidate) => candidate.startsAt !== 'head')) {
        await transaction.run(
          `INSERT INTO ${REACTION_CHECKPOINTS_TABLE} (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`,
          [reaction.name],
        );
      }
    });
    for (const reaction of options.reactions) {
      const row = await options.readModels.reader.get<{ position: number | string }>(
        `SELECT position FROM ${REACTION_CHECKPOINTS_TABLE} WHERE name = ?`,
        [reaction.name],
      );
      reactions.statuses.set(reaction.name, { name: reaction.name, status: 'starting', position: Number(row?.position ?? 0), failure: null });
      reactions.running.push(reactions.run(reaction));
    }
    return reactions;
  }

  list(): ReactionStatus[] {
    return [...this.statuses.values()];
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.running);
  }

  /**
   * Where several processes share the store, the one holding a reaction's lease runs it; the others wait to take
   * over, from its checkpoint. Whatever fails — the store, the reaction — is tried again from the checkpoint.
   */
  private async run(reaction: Reaction): Promise<void> {
    const signal = this.closing.signal;
    let attempts = 0;
    while (!signal.aborted) {
      let lease: Lease | undefined;
      let failed: unknown;
      try {
        lease = await this.options.readModels.lease(`reaction/${reaction.name}`);
        if (lease) await this.runHolding(reaction, lease);
        else this.update(reaction, { status: 'standby' });
        attempts = 0;
      } catch (error) {
        failed = error;
      }
      await lease?.release().catch(() => undefined);
      if (signal.aborted) return;
      if (failed === undefined) {
        if (!lease) await abortableDelay(LEASE_RETRY_MS, signal);
        continue;
      }
      attempts += 1;
      const position = this.statuses.get(reaction.name)?.position ?? 0;
      this.update(reaction, { status: 'retrying', failure: { message: messageOf(failed), position, attempts } });
      this.options.onFailure?.(reaction.name, failed, position);
      await abortableDelay(this.options.retryDelayMs ?? retryDelayMs(attempts), signal);
    }
  }

  private update(reaction: Reaction, change: Partial<Omit<ReactionStatus, 'name'>>): void {
    const current = this.statuses.get(reaction.name) ?? { name: reaction.name, status: 'starting', position: 0, failure: null };
    this.statuses.set(reaction.name, { ...current, ...change });
  }

  private async runHolding(reaction: Reaction, lease: Lease): Promise<void> {
    const { store, registry, commands, readModels } = this.options;
    const checkpoint = () =>
      readModels.reader.get<{ position: number | string }>(`SELECT position FROM ${REACTION_CHECKPOINTS_TABLE} WHERE name = ?`, [reaction.name]);
    let row = await checkpoint();
    if (!row) {
      const head = await store.headPosition();
      await readModels.transaction((transaction) =>
        transaction.run(`INSERT INTO ${REACTION_CHECKPOINTS_TABLE} (name, position) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, [reaction.name, head]),
      );
      row = await checkpoint();
    }
    const after = Number(row?.position ?? 0);
    this.update(reaction, { status: 'running', position: after, failure: null });
    const subscription = store.subscribeToAll({
      after,
      filter: { eventTypes: reaction.eventTypes },
      // Reading past events it does not react to moves it on as well: its position shows how far it has come, not
      // only the last event it reacted to. Reported only between events, once every event before has been reacted to.
      onProgress: (position) => {
        const current = this.statuses.get(reaction.name);
        if (current?.status === 'running' && position > current.position) this.update(reaction, { position });
      },
    });
    const stop = () => void subscription.close();
    this.closing.signal.addEventListener('abort', stop, { once: true });
    void lease.lost.then(stop);
    const slices = new TimeSlices();
    try {
      for await (const recorded of subscription) {
        await slices.pause();
        for (let attempt = 1; ; attempt += 1) {
          try {
            await reaction.react(registry.decode(recorded), commands);
            break;
          } catch (error) {
            if (this.closing.signal.aborted) return;
            if (error instanceof ForeignStreamError) {
              // An event that names another cooperative's aggregate: nothing here may act on it, now or later.
              this.options.onFailure?.(reaction.name, error, recorded.position);
              break;
            }
            this.update(reaction, { status: 'retrying', failure: { message: messageOf(error), position: recorded.position, attempts: attempt } });
            this.options.onFailure?.(reaction.name, error, recorded.position);
            await abortableDelay(this.options.retryDelayMs ?? retryDelayMs(attempt), this.closing.signal);
            if (this.closing.signal.aborted) return;
          }
        }
        await readModels.transaction((transaction) =>
          transaction.run(`UPDATE ${REACTION_CHECKPOINTS_TABLE} SET position = ? WHERE name = ?`, [recorded.position, reaction.name]),
        );
        this.update(reaction, { status: 'running', position: recorded.position, failure: null });
      }
    } finally {
      this.closing.signal.removeEventListener('abort', stop);
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
