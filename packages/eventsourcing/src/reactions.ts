// Reactions (process managers): one context's events in, commands to another out. An event is delivered at least
// once — the checkpoint moves only after its reaction finished — and each command a reaction sends carries an
// idempotency key made from the causing event, so a reaction repeated after a crash appends nothing twice.
import { setTimeout as delay } from 'node:timers/promises';
import type { EventStore } from '@meent/event-store';
import { ForeignStreamError, type CommandContext, type CommandHandler } from './command-handler.js';
import type { EventRegistry, StoredEvent } from './events.js';
import type { Lease, ReadModelStore } from './read-model-store.js';

export interface Reaction {
  /** Names the checkpoint, and keys the commands it sends: never rename a reaction that has run. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  react(event: StoredEvent, commands: CommandHandler): Promise<void>;
}

export const REACTION_CHECKPOINTS_TABLE = 'meent_reaction_checkpoints';
const LEASE_RETRY_MS = 1000;

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
  /** The last event whose reaction finished. */
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
  readonly retryDelayMs?: number;
  readonly onFailure?: (reaction: string, error: unknown, position: number) => void;
}

export class Reactions {
  private readonly statuses = new Map<string, ReactionStatus>();
  private readonly closing = new AbortController();
  private readonly running: Promise<void>[] = [];

  private constructor(private readonly options: ReactionsOptions) {}

  static async start(options: ReactionsOptions): Promise<Reactions> {
    const reactions = new Reactions(options);
    await options.readModels.transaction(async (transaction) => {
      await transaction.run(
        `CREATE TABLE IF NOT EXISTS ${REACTION_CHECKPOINTS_TABLE} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`,
      );
      for (const reaction of options.reactions) {
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
      reactions.statuses.set(reaction.name, { name: reaction.name, position: Number(row?.position ?? 0), failure: null });
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

  /** Where several processes share the store, the one holding a reaction's lease runs it; the others wait to take
   * over, from its checkpoint. */
  private async run(reaction: Reaction): Promise<void> {
    const signal = this.closing.signal;
    while (!signal.aborted) {
      const lease = await this.options.readModels.lease(`reaction/${reaction.name}`);
      if (!lease) {
        if (!(await this.pause(LEASE_RETRY_MS))) return;
        continue;
      }
      try {
        await this.runHolding(reaction, lease);
      } finally {
        await lease.release();
      }
    }
  }

  private async runHolding(reaction: Reaction, lease: Lease): Promise<void> {
    const { store, registry, commands, readModels } = this.options;
    const row = await readModels.reader.get<{ position: number | string }>(
      `SELECT position FROM ${REACTION_CHECKPOINTS_TABLE} WHERE name = ?`,
      [reaction.name],
    );
    const after = Number(row?.position ?? 0);
    this.statuses.set(reaction.name, { name: reaction.name, position: after, failure: null });
    const subscription = store.subscribeToAll({ after, filter: { eventTypes: reaction.eventTypes } });
    const stop = () => void subscription.close();
    this.closing.signal.addEventListener('abort', stop, { once: true });
    void lease.lost.then(stop);
    try {
      for await (const recorded of subscription) {
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
            const message = error instanceof Error ? error.message : String(error);
            const failure = { message, position: recorded.position, attempts: attempt };
            const position = this.statuses.get(reaction.name)?.position ?? after;
            this.statuses.set(reaction.name, { name: reaction.name, position, failure });
            this.options.onFailure?.(reaction.name, error, recorded.position);
            if (!(await this.pause(this.options.retryDelayMs ?? 1000))) return;
          }
        }
        await readModels.transaction((transaction) =>
          transaction.run(`UPDATE ${REACTION_CHECKPOINTS_TABLE} SET position = ? WHERE name = ?`, [recorded.position, reaction.name]),
        );
        this.statuses.set(reaction.name, { name: reaction.name, position: recorded.position, failure: null });
      }
    } finally {
      this.closing.signal.removeEventListener('abort', stop);
    }
  }

  /** Waits, unless the reactions close first; false when they did. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await delay(ms, undefined, { signal: this.closing.signal });
      return true;
    } catch {
      return false;
    }
  }
}
