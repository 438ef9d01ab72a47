// Given events, when a command, then events or an error: how every decider rule is specified.
import type { Test } from 'tap';
import { DomainError, type Decider } from '../decider.js';
import type { DomainEvent } from '../events.js';

export interface DeciderSpecification<Command, Event extends DomainEvent> {
  given(...events: Event[]): {
    when(command: Command): {
      then(...expected: Event[]): void;
      thenError(code: string, expected?: { statusCode?: number; rule?: string; message?: string }): void;
    };
  };
}

/** `const spec = deciderSpecification(decider)`, then in a test: `spec(t).given(…).when(…).then(…)`. */
export function deciderSpecification<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
): (t: Test) => DeciderSpecification<Command, Event> {
  return (t) => ({
    given: (...history) => ({
      when: (command) => {
        const decide = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState));
        return {
          then: (...expected) => {
            t.same(decide(), expected);
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
            if (expected.statusCode !== undefined) t.equal(thrown.statusCode, expected.statusCode);
            if (expected.rule !== undefined) t.equal(thrown.rule, expected.rule);
            if (expected.message !== undefined) t.equal(thrown.message, expected.message);
          },
        };
      },
    }),
  });
}
