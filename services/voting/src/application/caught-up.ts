import type { Projection, ServiceRuntime } from '@meent/eventsourcing';
import { readModelBehind } from '@meent/http';

/** Waits for the projections to apply every event on record; 503 if they do not within the read wait. */
export async function readEverything(runtime: ServiceRuntime, ...projections: Projection[]): Promise<void> {
  const { caughtUp, head } = await runtime.projections.catchUp(
    projections.map((projection) => projection.name),
    runtime.readWaitMs,
  );
  if (!caughtUp) throw readModelBehind(head);
}
