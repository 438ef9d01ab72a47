import { AggregateCommands, type Aggregate } from './aggregate.js';
import type { CommandHandler } from './command-handler.js';
import type { DomainEvent } from './events.js';
import type { Projections } from './projections.js';

/** What a service's routes are given: no service builds its own store, clock or ids. */
export interface ServiceRuntime {
  readonly commands: CommandHandler;
  readonly projections: Projections;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** How long a read with `?minPosition=` waits for its projections before answering 503. */
  readonly readWaitMs: number;
  /** The aggregate's load and handle, on this runtime's store and clock. */
  aggregate<State, Existing extends State, Command, Event extends DomainEvent>(
    definition: Aggregate<State, Existing, Command, Event>,
  ): AggregateCommands<State, Existing, Command, Event>;
}

export function serviceRuntime(parts: Omit<ServiceRuntime, 'aggregate'>): ServiceRuntime {
  return { ...parts, aggregate: (definition) => new AggregateCommands(parts.commands, definition, parts.clock) };
}
