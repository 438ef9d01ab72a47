export * from './event-store.js';
export { catchUpSubscription, type CatchUpSource, type CatchUpOptions } from './catch-up-subscription.js';
export {
  SqliteEventStore,
  SQLITE_EVENTS_SCHEMA,
  openSqliteDatabase,
  type SqliteDurability,
  type SqliteEventStoreOptions,
} from './sqlite/sqlite-event-store.js';
export { checkpointInBackground, type BackgroundCheckpoints, type CheckpointResult } from './sqlite/background-checkpoints.js';
export { PostgresEventStore, migrate as migratePostgres, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
