// Given events, when a command, then events or an error: how every decider rule is specified.
import { isDeepStrictEqual } from 'node:util';
import type { Test } from 'tap';
import { DomainError, type Decider } from '../decider.js';
import type { DomainEvent, EventDefinition } from '../events.js';

export interface DeciderSpecification<Command, Event extends DomainEvent> {
  given(...events: Event[]): {
    when(command: Command): {
      then(...expected: Event[]): void;
      thenError(code: string, expected?: { statusCode?: number; rule?: string; message?: string }): void;
    };
  };
}

/**
 * `const spec = deciderSpecification(decider, events)`, then in a test: `spec(t).given(…).when(…).then(…)`.
 *
 * `events` are the definitions of every event a specification gives or expects. Each such event, and each the decider
 * returns, must read back from the store as it was written — stored as JSON, then validated by its definition's schema
 * — so a decider cannot decide an event its own log would refuse or change, and a history cannot be one the log could
 * never hold. A refusal must say why in words, not only by its code.
 */
export function deciderSpecification<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  events: readonly EventDefinition[],
): (t: Test) => DeciderSpecification<Command, Event> {
  const definitions = new Map(events.map((definition) => [definition.type, definition]));
  const expectStorable = (t: Test, role: string, history: readonly DomainEvent[]) => {
    for (const event of history) {
      const problem = storageProblem(definitions, event);
      if (problem !== null) t.fail(`${role} ${event.type} does not read back as written: ${problem}`, { data: event.data });
    }
  };
  return (t) => ({
    given: (...history) => ({
      when: (command) => {
        expectStorable(t, 'given', history);
        const decide = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState));
        return {
          then: (...expected) => {
            const decided = decide();
            expectStorable(t, 'decided', decided);
            expectStorable(t, 'expected', expected);
            t.same(decided, expected);
          },
          thenError: (code, expected = {}) => {
            let thrown: unknown;
            try {
              const events = decide();
              t.fail(`expected ${code}, got ${events.map((event) => event.type).join(', ') || 'no events'}`);
              return;
            } catch (error) {
              thrown = error;
            }
            if (!(thrown instanceof DomainError)) throw thrown;
            t.equal(thrown.code, code);
            if (thrown.message.trim() === '') t.fail(`${code} is refused without saying why`);
            if (expected.statusCode !== undefined) t.equal(thrown.statusCode, expected.statusCode);
            if (expected.rule !== undefined) t.equal(thrown.rule, expected.rule);
            if (expected.message !== undefined) t.equal(thrown.message, expected.message);
          },
        };
      },
    }),
  });
}

/** Why an event would not read back from the store as it was written, or null when it would. */
function storageProblem(definitions: ReadonlyMap<string, EventDefinition>, event: DomainEvent): string | null {
  const definition = definitions.get(event.type);
  if (!definition) return 'no definition of it was given to the specification';
  const stored: unknown = JSON.parse(JSON.stringify(event.data));
  const read = definition.schema.safeParse(stored);
  if (!read.success) return read.error.message;
  return isDeepStrictEqual(read.data, stored) ? null : `it reads back as ${JSON.stringify(read.data)}`;
}
