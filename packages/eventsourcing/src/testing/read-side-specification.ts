// The read side specified as the write side is: given the events on record, then a query answers this (a
// projection), or then these commands are sent (a reaction). Both run on a real SQLite event store and read-model
// store in a temporary directory, through the projection runner and the command handler the server uses.
import type { EventStore } from '@meent/event-store';
import type { Test } from 'tap';
import { CommandHandler, type CommandContext, type CommandResult } from '../command-handler.js';
import type { Decider } from '../decider.js';
import { EventRegistry, type DomainEvent, type EventDefinition, type StoredEvent } from '../events.js';
import { newUuidV7 } from '../ids.js';
import type { Projection, TableNames } from '../projection.js';
import { Projections } from '../projections.js';
import type { Reaction } from '../reactions.js';
import type { SqlExecutor } from '../read-model-store.js';
import { temporaryStores } from './temporary-stores.js';

/** An event as it was recorded: on its stream, at a moment, for a cooperative, by someone. */
export interface RecordedEvent {
  /** The event's id; a reaction keys what it sends by it. */
  readonly id: string;
  readonly stream: string;
  readonly event: DomainEvent;
  readonly occurredAt: string;
  readonly cooperativeId: string;
  readonly actorId: string;
}

const SPECIFIED_AT = '2026-01-01T09:00:00.000Z';
const SPECIFIED_COOPERATIVE = '0193a6f0-0000-7000-8000-00000000c001';

/** An event on its stream; by default recorded on 1 January 2026 by a secretary of one cooperative. */
export function recorded(
  stream: string,
  event: DomainEvent,
  options: { readonly id?: string; readonly at?: string; readonly cooperativeId?: string; readonly by?: string } = {},
): RecordedEvent {
  return {
    id: options.id ?? newUuidV7(),
    stream,
    event,
    occurredAt: options.at ?? SPECIFIED_AT,
    cooperativeId: options.cooperativeId ?? SPECIFIED_COOPERATIVE,
    actorId: options.by ?? 'secretary',
  };
}

/** Appends the events in order, each validated and encoded as the command handler would; answers the last position. */
async function record(store: EventStore, registry: EventRegistry, events: readonly RecordedEvent[]): Promise<number> {
  let position = 0;
  for (const { id, stream, event, occurredAt, cooperativeId, actorId } of events) {
    const encoded = registry.encode(event, {
      eventId: id,
      cooperativeId,
      actor: { id: actorId, roles: ['member'] },
      correlationId: 'specification',
      causationId: null,
      occurredAt,
    });
    ({ position } = await store.append(stream, [encoded], 'any'));
  }
  return position;
}

export interface ProjectionThen<Table extends string> {
  /** What the query answers once the projection has applied every event given. */
  then<Result>(
    query: (reader: SqlExecutor, tables: TableNames<Table>) => Promise<Result>,
    expected: Result,
    message?: string,
  ): Promise<void>;
}

/**
 * `projectionSpecification(t, projection, events).given(...recorded).then(query, expected)`: the projection runs as
 * the server runs it, over the events given, and the query's answer is compared. One `given` may be asked several
 * `then`s; the events are projected once.
 */
export function projectionSpecification<Table extends string>(
  t: Test,
  projection: Projection<Table>,
  definitions: readonly EventDefinition[],
) {
  return {
    given(...events: RecordedEvent[]): ProjectionThen<Table> {
      let projected: Promise<Projections> | undefined;
      const project = async () => {
        const { store, readModels } = temporaryStores(t);
        const registry = new EventRegistry(definitions);
        const head = await record(store, registry, events);
        const projections = await Projections.start({ store, readModels, registry, projections: [projection] });
        t.teardown(() => projections.close());
        if (!(await projections.waitForPosition([projection.name], head, 30_000))) {
          throw new Error(`${projection.name} did not reach position ${head}: ${JSON.stringify(projections.list())}`);
        }
        return projections;
      };
      return {
        async then(query, expected, message) {
          projected ??= project();
          t.same(await (await projected).query(projection, query), expected, message ?? 'the query answers as expected');
        },
      };
    },
  };
}

/** A command a reaction sent: on which stream, and what it said. */
export interface SentCommand {
  readonly stream: string;
  readonly command: unknown;
}

/** The command handler the server uses, noting each command before it handles it. */
class NotingCommandHandler extends CommandHandler {
  readonly sent: SentCommand[] = [];

  override handle<State, Command, Event extends DomainEvent>(
    stream: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult<Event, State>> {
    this.sent.push({ stream, command });
    return super.handle(stream, decider, command, context);
  }
}

/**
 * `reactionSpecification(t, reaction, events).given(...recorded).when(recorded).then(commands)`: the events given are on
 * record, the reaction is handed the one of `when` as it is read back from the store, and the commands it sent are
 * compared — each handled for real, so a later command is decided on what the earlier ones appended. `thenRefused`
 * when the reaction fails instead.
 */
export function reactionSpecification(
  t: Test,
  /** The reaction, or how it is made from the store it reads beyond the event (the seal reads every stream's head). */
  reaction: Reaction | ((store: EventStore) => Reaction),
  definitions: readonly EventDefinition[],
) {
  const react = async (given: readonly RecordedEvent[], when: RecordedEvent) => {
    const { store } = temporaryStores(t);
    const reacting = typeof reaction === 'function' ? reaction(store) : reaction;
    const registry = new EventRegistry(definitions);
    const position = await record(store, registry, [...given, when]);
    let delivered: StoredEvent | undefined;
    for await (const event of store.readAll({ after: position - 1, maxCount: 1 })) delivered = registry.decode(event);
    if (!delivered) throw new Error(`the event at ${position} could not be read back`);
    const commands = new NotingCommandHandler({ store, registry });
    const outcome = await reacting.react(delivered, commands).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { sent: commands.sent, outcome };
  };
  return {
    given: (...given: RecordedEvent[]) => ({
      when: (event: RecordedEvent) => ({
        async then(expected: readonly SentCommand[], message?: string): Promise<void> {
          const { sent, outcome } = await react(given, event);
          if (outcome !== undefined) throw outcome;
          t.same(sent, expected, message ?? 'the reaction sends these commands');
        },
        async thenRefused(expected: { readonly code?: string; readonly name?: string }, message?: string): Promise<void> {
          const { outcome } = await react(given, event);
          t.ok(outcome instanceof Error, message ?? 'the reaction fails');
          t.match(outcome, expected, message ?? 'with this error');
        },
      }),
    }),
  };
}
