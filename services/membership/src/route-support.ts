// What the membership routes share: path parameters, and reading at least up to a client's own write.
import type { Projection, ServiceRuntime } from '@meent/eventsourcing';
import { readModelBehind, reference } from '@meent/http';
import { z } from 'zod';

export const cooperativeParams = z.object({ cooperativeId: z.uuid() });
export const memberParams = cooperativeParams.extend({ memberId: reference('member') });

/**
 * Waits until `projection` has applied the highest of the given positions (`?minPosition=`, `?asOfPosition=`); 503 if
 * it does not within the read wait.
 */
export async function readAfter(runtime: ServiceRuntime, projection: Projection, ...positions: (number | undefined)[]): Promise<void> {
  const defined = positions.filter((position) => position !== undefined);
  if (defined.length === 0) return;
  const position = Math.max(...defined);
  if (!(await runtime.projections.waitForPosition([projection.name], position, runtime.readWaitMs))) {
    throw readModelBehind(position);
  }
}
