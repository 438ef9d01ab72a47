import { z } from 'zod';
import { HttpProblem } from './problem-details.js';

/** `?minPosition=`: the position a command answered with, so a client reads its own writes. */
export const minPositionQuery = z.object({
  minPosition: z.coerce.number().int().nonnegative().optional(),
});

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
