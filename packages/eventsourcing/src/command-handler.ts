import { WrongExpectedVersionError, type EventStore } from '@meent/event-store';
import { v7 as uuidv7 } from 'uuid';
import type { Decider } from './decider.js';
import type { Actor, DomainEvent, EventRegistry, StoredEvent } from './events.js';
import { chainEvents } from './tamper-evidence.js';

/** Who asks, on behalf of which cooperative, and why: becomes every appended event's metadata. */
export interface CommandContext {
  readonly cooperativeId: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string | null;
  readonly occurredAt: Date;
}

export interface CommandResult<Event extends DomainEvent> {
  readonly events: readonly Event[];
  readonly nextExpectedRevision: number;
  /** Global position of the last event appended; reads wait for it with `?minPosition=`. */
  readonly position: number;
}

export interface CommandHandlerOptions {
  readonly store: EventStore;
  readonly registry: EventRegistry;
  /** Attempts after a concurrent writer moved the stream on; each re-reads the stream and decides again. */
  readonly maxRetries?: number;
}

export class CommandHandler {
  private readonly maxRetries: number;

  constructor(private readonly options: CommandHandlerOptions) {
    this.maxRetries = options.maxRetries ?? 3;
  }

  /** Reads the stream, folds it through `evolve`, decides, and appends at the revision it read. */
  async handle<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult<Event>> {
    for (let attempt = 0; ; attempt += 1) {
      const { state, revision, lastHash } = await this.load(stream, decider);
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, nextExpectedRevision: revision ?? -1, position: 0 };
      const encoded = events.map((event) =>
        this.options.registry.encode(event, {
          eventId: uuidv7(),
          cooperativeId: context.cooperativeId,
          actor: context.actor,
          correlationId: context.correlationId,
          causationId: context.causationId ?? null,
          occurredAt: context.occurredAt.toISOString(),
        }),
      );
      const toAppend = chainEvents(stream, (revision ?? -1) + 1, lastHash, encoded);
      try {
        const result = await this.options.store.append(stream, toAppend, revision ?? 'no_stream');
        return { events, ...result };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= this.maxRetries) throw error;
      }
    }
  }

  /** A stream's events, upcast and validated. */
  async *read(stream: string): AsyncGenerator<StoredEvent> {
    for await (const recorded of this.options.store.readStream(stream)) yield this.options.registry.decode(recorded);
  }

  async load<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
  ): Promise<{ state: State; revision: number | undefined; lastHash: string | null }> {
    let state = decider.initialState;
    let revision: number | undefined;
    let lastHash: string | null = null;
    for await (const event of this.read(stream)) {
      state = decider.evolve(state, event as StoredEvent & Event);
      revision = event.revision;
      lastHash = event.metadata.hash ?? null;
    }
    return { state, revision, lastHash };
  }
}
