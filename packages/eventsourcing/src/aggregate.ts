// One way from a request to an event: an aggregate is defined once — its stream, its decider, when it exists — and
// every service loads and commands it the same way. Loading answers 404 for a stream that is missing or belongs to
// another cooperative, so no route or reaction has to remember to check; handling stamps the moment from the clock
// and answers what a client needs to read its own write.
import type { CommandContext, CommandHandler } from './command-handler.js';
import { DomainError, type Decider } from './decider.js';
import type { DomainEvent } from './events.js';

export interface Aggregate<State, Existing extends State, Command, Event extends DomainEvent> {
  /** Its streams are `{category}-{id}`; a request's `reference(category)` names one. */
  readonly category: string;
  readonly decider: Decider<State, Command, Event>;
  /** Whether the state is that of an aggregate that exists: narrows what `load` answers. */
  readonly exists: (state: State) => state is Existing;
  stream(id: string): string;
}

export function defineAggregate<State, Existing extends State, Command, Event extends DomainEvent>(definition: {
  readonly category: string;
  readonly decider: Decider<State, Command, Event>;
  readonly exists: (state: State) => state is Existing;
}): Aggregate<State, Existing, Command, Event> {
  return { ...definition, stream: (id) => `${definition.category}-${id}` };
}

/** Who asks, for which cooperative, and why; the pipeline adds the moment from its clock. */
export type CommandOrigin = Omit<CommandContext, 'occurredAt'>;

/** What a command answers: the aggregate's id, and the position a read waits for with `?minPosition=`. */
export interface Accepted {
  readonly id: string;
  /** Of the last event appended; 0 when the command had nothing to append (it was done already). */
  readonly position: number;
}

/** Missing, or another cooperative's: to the caller the two are the same. */
export class AggregateNotFoundError extends DomainError {
  constructor(category: string, id: string) {
    super('NOT_FOUND', 404, `No ${category} ${id} in this cooperative`);
  }
}

export interface LoadOptions {
  /**
   * Serve the state this process last saw when it was confirmed at most this long ago (this process's own appends are
   * always in it); by default the stream is read up to its end.
   */
  readonly maxAgeMs?: number;
}

/** An aggregate's commands for a service: load and handle, within one cooperative. */
export class AggregateCommands<State, Existing extends State, Command, Event extends DomainEvent> {
  constructor(
    private readonly handler: CommandHandler,
    private readonly aggregate: Aggregate<State, Existing, Command, Event>,
    private readonly clock: () => Date,
  ) {}

  /** The aggregate as the cooperative has it; `AggregateNotFoundError` when it has none by this id. */
  async load(cooperativeId: string, id: string, options: LoadOptions = {}): Promise<Existing> {
    const stream = this.aggregate.stream(id);
    const { state, cooperativeId: owner } =
      options.maxAgeMs === undefined
        ? await this.handler.load(stream, this.aggregate.decider)
        : await this.handler.recall(stream, this.aggregate.decider, options.maxAgeMs);
    if (!this.aggregate.exists(state) || owner !== cooperativeId) throw new AggregateNotFoundError(this.aggregate.category, id);
    return state;
  }

  /**
   * Decides and appends without loading first: to start an aggregate (its decider refuses when it exists already), or
   * where the caller loaded it a moment ago. A stream of another cooperative is still refused, by the handler.
   */
  async append(origin: CommandOrigin, id: string, command: (now: Date) => Command): Promise<Accepted & { readonly state: Existing }> {
    const now = this.clock();
    return this.decideAndAppend(origin, id, command(now), now);
  }

  /** Decides a command on the cooperative's aggregate; the command may depend on the state it is decided on. */
  async handle(
    origin: CommandOrigin,
    id: string,
    command: (existing: Existing, now: Date) => Command | Promise<Command>,
    options: LoadOptions = {},
  ): Promise<Accepted & { readonly state: Existing }> {
    const existing = await this.load(origin.cooperativeId, id, options);
    const now = this.clock();
    return this.decideAndAppend(origin, id, await command(existing, now), now);
  }

  private async decideAndAppend(origin: CommandOrigin, id: string, command: Command, now: Date) {
    const result = await this.handler.handle(this.aggregate.stream(id), this.aggregate.decider, command, { ...origin, occurredAt: now });
    // A command that did not leave the aggregate existing would have been refused by its decider.
    return { id, position: result.position, state: result.state as Existing };
  }
}
