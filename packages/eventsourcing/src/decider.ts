import type { DomainEvent } from './events.js';

/** Pure domain logic: no I/O, no clock, no randomness; time and ids arrive on the command. */
export interface Decider<State, Command, Event extends DomainEvent> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): readonly Event[];
}

export type DomainErrorStatus = 403 | 404 | 409 | 422;

/**
 * A rule the command broke. The code is stable (`COOPERATIVE.ALREADY_FOUNDED`) so clients can act on it; the
 * status says how HTTP reports it: 409 for a wrong state, 422 for a rule, 403 for a missing right.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    readonly statusCode: DomainErrorStatus,
    message: string,
    readonly rule?: string,
  ) {
    super(message);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
