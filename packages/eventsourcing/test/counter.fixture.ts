// A small domain for exercising the kit: a counter that may not pass its limit.
import { z } from 'zod';
import {
  DomainError,
  assertNever,
  defineEvent,
  defineProjection,
  on,
  type Decider,
  type EventOf,
} from '@meent/eventsourcing';

export const Incremented = defineEvent('Incremented', {
  version: 2,
  schema: z.object({ by: z.int().positive() }),
  upcasters: { 1: (data) => ({ by: data.amount ?? null }) },
});
export type CounterEvent = EventOf<typeof Incremented>;
export type CounterCommand = { type: 'Increment'; by: number };
export type CounterState = { status: 'Counting'; total: number };

export const LIMIT = 1000;

export const counterDecider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: { status: 'Counting', total: 0 },
  evolve: (state, event) => {
    switch (event.type) {
      case 'Incremented':
        return { status: 'Counting', total: state.total + event.data.by };
      default:
        return assertNever(event.type);
    }
  },
  decide: (command, state) => {
    if (state.total + command.by > LIMIT) throw new DomainError('COUNTER.LIMIT', 422, 'the limit is 1000', 'limit');
    return [Incremented({ by: command.by })];
  },
};

export const countersProjection = defineProjection({
  name: 'counters',
  tables: {
    totals: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (stream TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL)`],
  },
  handlers: [
    on(Incremented, async (event, transaction, tables) => {
      // The kept row named, as PostgreSQL needs it to tell it from the proposed one.
      await transaction.run(
        `INSERT INTO ${tables.totals} AS kept (stream, total, events) VALUES (?, ?, 1)
         ON CONFLICT (stream) DO UPDATE SET total = kept.total + excluded.total, events = kept.events + 1`,
        [event.stream, event.data.by],
      );
    }),
  ],
});
