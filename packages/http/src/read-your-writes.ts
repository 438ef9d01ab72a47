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
