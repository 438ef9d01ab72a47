import { z } from 'zod';
import { HttpProblem } from './problem-details.js';

/** `?minPosition=`: the position a command answered with, so a client reads its own writes. */
export const minPositionQuery = z.object({
  minPosition: z.coerce.number().int().nonnegative().optional(),
});

/** `?asOf=`: a date means the end of that day (UTC); a date-time means that moment. */
export const asOfSchema = z
  .union([z.iso.date(), z.iso.datetime()])
  .transform((value) => (value.length === 10 ? `${value}T23:59:59.999Z` : new Date(value).toISOString()));

/**
 * `?asOfPosition=`: only what the event log held up to this position (inclusive) — what Meent knew then, where
 * `asOf` picks the moment that knowledge is about.
 */
export const asOfPositionSchema = z.coerce.number().int().nonnegative();

export const pointInTimeQuery = minPositionQuery.extend({ asOf: asOfSchema.optional(), asOfPosition: asOfPositionSchema.optional() });

export interface PointInTime {
  readonly asOf?: string;
  readonly asOfPosition?: number;
}

/** The moment a query asked for, without the keys it left out. */
export function pointInTime(query: { readonly asOf?: string | undefined; readonly asOfPosition?: number | undefined }): PointInTime {
  return {
    ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
    ...(query.asOfPosition === undefined ? {} : { asOfPosition: query.asOfPosition }),
  };
}

/** Answers a command: the new resource's id and the position reads can wait for. */
export const commandAcceptedSchema = z.object({
  id: z.string(),
  position: z.number().int().nonnegative(),
});

export const readModelBehind = (position: number) =>
  new HttpProblem(
    503,
    'READ_MODEL_BEHIND',
    `The read model has not yet reached position ${position}; retry shortly`,
  );

/** What reading one's own writes needs of a service's runtime (it has this shape): its projections and how long to wait. */
export interface ReadSide {
  readonly projections: {
    waitForPosition(names: readonly string[], position: number, timeoutMs: number): Promise<boolean>;
    catchUp(names: readonly string[], timeoutMs: number): Promise<{ caughtUp: boolean; head: number }>;
  };
  /** How long a read with `?minPosition=` waits for its projections before answering 503. */
  readonly readWaitMs: number;
}

/**
 * Waits until `projection` has applied the highest of the given positions (`?minPosition=`, `?asOfPosition=`); 503 if
 * it does not within the read wait.
 */
export async function readAfter(runtime: ReadSide, projection: { readonly name: string }, ...positions: (number | undefined)[]): Promise<void> {
  const defined = positions.filter((position) => position !== undefined);
  if (defined.length === 0) return;
  const position = Math.max(...defined);
  if (!(await runtime.projections.waitForPosition([projection.name], position, runtime.readWaitMs))) {
    throw readModelBehind(position);
  }
}

/** Waits for the projections to apply every event on record; 503 if they do not within the read wait. */
export async function readEverything(runtime: ReadSide, ...projections: { readonly name: string }[]): Promise<void> {
  const { caughtUp, head } = await runtime.projections.catchUp(
    projections.map((projection) => projection.name),
    runtime.readWaitMs,
  );
  if (!caughtUp) throw readModelBehind(head);
}
