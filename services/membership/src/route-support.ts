// What the membership routes share: path parameters, and reading at least up to a client's own write.
import type { Projection, ServiceRuntime } from '@meent/eventsourcing';
import { readModelBehind } from '@meent/http';
import { z } from 'zod';

export const cooperativeParams = z.object({ cooperativeId: z.uuid() });
export const memberParams = cooperativeParams.extend({ memberId: z.uuid() });

/** Waits until `projection` has applied `minPosition` (when given); 503 if it does not within the read wait. */
export async function readAfter(runtime: ServiceRuntime, projection: Projection, minPosition: number | undefined): Promise<void> {
  if (minPosition === undefined) return;
  if (!(await runtime.projections.waitForPosition([projection.name], minPosition, runtime.readWaitMs))) {
    throw readModelBehind(minPosition);
  }
}
