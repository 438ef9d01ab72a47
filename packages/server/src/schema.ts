// Every table this version of Meent creates, database by database: what `meent migrate` applies and
// `meent migrate --status` compares with what each database records.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  componentStatus,
  postgresEventTables,
  postgresSchemaReader,
  readLedger,
  sqliteSchemaReader,
  SQLITE_EVENTS_MIGRATIONS,
  type ComponentStatus,
  type SchemaComponent,
  type SchemaReader,
} from '@meent/event-store';
import {
  ACTIVE_GENERATIONS_TABLE,
  CHECKPOINTS_TABLE,
  generationForShape,
  keyTables,
  PROJECTION_TABLES,
  projectionShape,
  REACTION_TABLES,
  SHAPES_TABLE,
  SqliteKeyStore,
  SqliteReadModelStore,
  type Projection,
} from '@meent/eventsourcing';
import { SESSION_TABLES, SessionStore } from '@meent/identity';
import { CALENDAR_FEED_TABLES, CalendarFeeds, OUTBOX_TABLES, Outbox, WEBHOOK_TABLES } from '@meent/notifications';
import { defaultServices, openEventStore, openKeyStore, openReadModelStore } from './build-server.js';
import type { MeentConfig } from './config.js';

/** Kept beside the read models: the projections' and reactions' bookkeeping, sign-in, and what waits to be sent. */
export const READ_MODEL_STORE_TABLES: readonly SchemaComponent[] = [
  PROJECTION_TABLES,
  REACTION_TABLES,
  SESSION_TABLES,
  OUTBOX_TABLES,
  CALENDAR_FEED_TABLES,
  WEBHOOK_TABLES,
];

export interface DatabaseSchema {
  /** What it holds, for people. */
  readonly holds: string;
  readonly components: readonly SchemaComponent[];
  /** A read-only view of it; undefined where it does not exist yet. */
  open(): Promise<SchemaReader | undefined>;
  /** Whether the projections' tables live here. */
  readonly readModels: boolean;
}

/** The databases a deployment configured so uses, each with the components of the tables Meent makes there. */
export function databasesOf(config: MeentConfig): DatabaseSchema[] {
  const schema = config.postgresSchema;
  const postgres = (inSchema: string) => () => postgresSchemaReader(postgresUrlOf(config), inSchema);
  const sqlite = (file: string) => async () => sqliteSchemaReader(join(config.dataDir, file));
  const keysInPostgres = keyTables(`"${schema}".personal_data_keys`);
  const keysInSqlite = keyTables('personal_data_keys');
  const log: DatabaseSchema[] =
    config.eventStore === 'postgres'
      ? [{ holds: 'events and personal-data keys', components: [postgresEventTables(schema), keysInPostgres], open: postgres(schema), readModels: false }]
      : config.eventStore === 'sqlite'
        ? [{ holds: 'events and personal-data keys', components: [SQLITE_EVENTS_MIGRATIONS, keysInSqlite], open: sqlite('events.db'), readModels: false }]
        : // EventStoreDB keeps its own schema; the keys live beside it in PostgreSQL or in keys.db.
          [
            config.postgresUrl
              ? { holds: 'personal-data keys', components: [keysInPostgres], open: postgres(schema), readModels: false }
              : { holds: 'personal-data keys', components: [keysInSqlite], open: sqlite('keys.db'), readModels: false },
          ];
  const readModels: DatabaseSchema = {
    holds: 'read models, sessions and outboxes',
    components: READ_MODEL_STORE_TABLES,
    open: config.readStore === 'postgres' ? postgres(`${schema}_read_models`) : sqlite('read-models.db'),
    readModels: true,
  };
  return [...log, readModels];
}

function postgresUrlOf(config: MeentConfig): string {
  if (!config.postgresUrl) throw new Error('MEENT_POSTGRES_URL is required for a PostgreSQL store');
  return config.postgresUrl;
}

/** What a database records beside what this version needs. */
export interface DatabaseStatus {
  readonly holds: string;
  readonly where: string | undefined;
  readonly components: readonly ComponentStatus[];
  readonly projections: readonly ProjectionStatus[];
}

/**
 * A read model as this version would find it at its next start: `current`; `not-built` yet; `rebuild` into a fresh
 * generation, the serving one being of another version's shape (or of one before shapes were recorded); or
 * `rebuilding`, begun by a process of this version.
 */
export interface ProjectionStatus {
  readonly name: string;
  readonly serving: number;
  readonly state: 'current' | 'not-built' | 'rebuild' | 'rebuilding';
}

export async function schemaStatus(config: MeentConfig): Promise<DatabaseStatus[]> {
  const projections = await projectionsOfThisVersion();
  const statuses: DatabaseStatus[] = [];
  for (const database of databasesOf(config)) {
    const reader = await database.open();
    try {
      // One after another: the reader is one connection, which takes one query at a time.
      const components: ComponentStatus[] = [];
      for (const component of database.components) {
        components.push(componentStatus(component, reader?.dialect ?? 'sqlite', reader ? await readLedger(reader, component) : []));
      }
      statuses.push({
        holds: database.holds,
        where: reader?.where,
        components,
        projections: database.readModels ? await projectionStatuses(reader, projections) : [],
      });
    } finally {
      await reader?.close();
    }
  }
  return statuses;
}

async function projectionStatuses(reader: SchemaReader | undefined, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const tablesExist = reader !== undefined && (await reader.tableExists(CHECKPOINTS_TABLE));
  const shapesExist = reader !== undefined && (await reader.tableExists(SHAPES_TABLE));
  const serving = new Map(
    tablesExist ? (await reader.all<{ name: string; generation: number }>(`SELECT name, generation FROM ${ACTIVE_GENERATIONS_TABLE}`)).map((row) => [row.name, Number(row.generation)]) : [],
  );
  const checkpointed = new Set(
    tablesExist ? (await reader.all<{ name: string; generation: number }>(`SELECT name, generation FROM ${CHECKPOINTS_TABLE}`)).map((row) => `${row.name}/${Number(row.generation)}`) : [],
  );
  const shapes = shapesExist ? await reader.all<{ name: string; generation: number; shape: string }>(`SELECT name, generation, shape FROM ${SHAPES_TABLE}`) : [];
  return projections.map((projection) => {
    const generation = serving.get(projection.name) ?? 1;
    const recorded = shapes.filter((row) => row.name === projection.name).map((row) => ({ generation: Number(row.generation), shape: row.shape }));
    const built = checkpointed.has(`${projection.name}/${generation}`);
    const decision = generationForShape({ generation, built }, recorded, projectionShape(projection));
    const state = decision.kind === 'resume-rebuild' ? 'rebuilding' : decision.kind === 'rebuild' ? 'rebuild' : built ? 'current' : 'not-built';
    return { name: projection.name, serving: generation, state };
  });
}

/**
 * Every projection this version defines, to compare their shapes with a database's. The services are composed over
 * throwaway stores in a scratch directory: nothing of the deployment is opened.
 */
export async function projectionsOfThisVersion(): Promise<readonly Projection[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'meent-definitions-'));
  const readModels = new SqliteReadModelStore({ path: join(scratch, 'read-models.db') });
  const keys = new SqliteKeyStore({ path: join(scratch, 'keys.db') });
  try {
    const services = defaultServices({
      keys,
      outbox: await Outbox.open(readModels),
      sessions: await SessionStore.open(readModels, randomBytes(32).toString('hex')),
      calendarFeeds: await CalendarFeeds.open(readModels),
      sendSecret: () => undefined,
      tokens: { secret: randomBytes(32).toString('hex') },
      oidc: undefined,
    });
    return services.flatMap((service) => service.projections);
  } finally {
    await Promise.all([readModels.close(), keys.close()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Applies every pending migration of every database, as a start does, and answers the status after. Read models an
 * upgrade changed are rebuilt by the server when it starts: that needs the event log read through, not a migration.
 */
export async function migrateDatabases(config: MeentConfig): Promise<DatabaseStatus[]> {
  if (config.eventStore !== 'eventstoredb') {
    const store = await openEventStore(config);
    try {
      await store.ping();
    } finally {
      await store.close();
    }
  }
  const keys = openKeyStore(config);
  try {
    await keys.ping();
  } finally {
    await keys.close();
  }
  const readModels = openReadModelStore(config);
  try {
    for (const component of READ_MODEL_STORE_TABLES) await readModels.migrate(component);
  } finally {
    await readModels.close();
  }
  return schemaStatus(config);
}
