import type { CommandHandler } from './command-handler.js';
import type { Projections } from './projections.js';

/** What a service's routes are given: no service builds its own store, clock or ids. */
export interface ServiceRuntime {
  readonly commands: CommandHandler;
  readonly projections: Projections;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** How long a read with `?minPosition=` waits for its projections before answering 503. */
  readonly readWaitMs: number;
}
