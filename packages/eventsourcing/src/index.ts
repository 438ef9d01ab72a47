export * from './events.js';
export * from './decider.js';
export * from './errors.js';
export * from './command-handler.js';
export * from './read-model-store.js';
export * from './sqlite-read-model-store.js';
export * from './projection.js';
export {
  ACTIVE_GENERATIONS_TABLE,
  CHECKPOINTS_TABLE,
  PROJECTION_TABLES,
  SHAPES_TABLE,
  type ProjectionFailure,
  type RunnerStatus,
  type RunnerProgress,
} from './projection-runner.js';
export * from './projections.js';
export * from './reactions.js';
export * from './service-runtime.js';
export * from './aggregate.js';
export * from './personal-data.js';
export * from './tamper-evidence.js';
export * from './versioned-map.js';
export * from './ids.js';
export * from './postgres-read-model-store.js';
export * from './money.js';
export {
  defineSchema,
  type SchemaComponent,
  type SchemaMigration,
} from '@meent/event-store';
export * from './time-slices.js';
