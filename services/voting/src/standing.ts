// What other contexts may ask of the voting context: a cooperative's assemblies as its members see them listed.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { assembliesOf, assembliesProjection } from './projections/assemblies.projection.js';

/** A cooperative's assemblies, newest first: for calendar feeds. */
export function assembliesOfCooperative(runtime: ServiceRuntime, cooperativeId: string) {
  return runtime.projections.query(assembliesProjection, (reader, tables) => assembliesOf(reader, tables, cooperativeId));
}
