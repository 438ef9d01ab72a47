export * from './event-store.js';
export { abortableDelay, catchUpSubscription, type CatchUpSource, type CatchUpOptions } from './catch-up-subscription.js';
export {
  SqliteEventStore,
  SQLITE_EVENTS_SCHEMA,
  SQLITE_EVENTS_MIGRATIONS,
  openSqliteDatabase,
  guardSqlite,
  sqliteUnavailable,
  type SqliteDurability,
  type SqliteEventStoreOptions,
} from './sqlite/sqlite-event-store.js';
export { checkpointInBackground, type BackgroundCheckpoints, type CheckpointResult } from './sqlite/background-checkpoints.js';
export { PostgresEventStore, postgresEventTables, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export {
  CONNECT_TIMEOUT_MS,
  QUERY_TIMEOUT_MS,
  PostgresPool,
  isConnectionFailure,
  migrationTransaction,
  type PostgresPoolOptions,
} from './postgres/postgres-pool.js';
export * from './schema-migrations.js';
export { numberPlaceholders } from './sql-placeholders.js';
export * from './schema-readers.js';
