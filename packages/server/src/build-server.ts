import { join } from 'node:path';
import {
  PostgresEventStore,
  SchemaMigrationError,
  SqliteEventStore,
  StoreUnavailableError,
  type EventStore,
  type JsonValue,
} from '@meent/event-store';
import {
  CommandHandler,
  EventRegistry,
  PostgresKeyStore,
  PostgresReadModelStore,
  Projections,
  Reactions,
  SqliteKeyStore,
  SqliteReadModelStore,
  newUuidV7,
  type EventDefinition,
  type KeyStore,
  type Projection,
  type ProjectionInfo,
  type Reaction,
  type ReadModelStore,
  serviceRuntime,
  type ServiceRuntime,
} from '@meent/eventsourcing';
import { accessPlugin, createHttpApp, type HttpApp, type HttpAppOptions, type TokenSettings } from '@meent/http';
import { callerResolver, createMembership, ensureNotInLiquidation } from '@meent/membership';
import { createBudget } from '@meent/budget';
import { createIdentity, SessionStore } from '@meent/identity';
import { createInitiativeFunding } from '@meent/initiative-funding';
import {
  CalendarFeeds,
  createMailer,
  createNotifications,
  Outbox,
  postToWebhooks,
  startMailDelivery,
  startWebhookDelivery,
  webhookRoutes,
  Webhooks,
  directMail,
  type Backlog,
  type DeliveryLoop,
  type MailFailure,
  type OutgoingMessage,
} from '@meent/notifications';
import { createVoting } from '@meent/voting';
import { fetchTransport, injectTransport, webApp } from '@meent/web';
import type { FastifyPluginAsync } from 'fastify';
import { adminRoutes } from './admin-routes.js';
import { auditRoutes } from './audit/audit-routes.js';
import { redact } from './audit/history.js';
import { auditEvents } from './audit/seal.js';
import { sealWhenAssemblyClosed } from './audit/seal-when-assembly-closed.reaction.js';
import { ConfigError, SERVICE_NAMES, type MeentConfig, type ServiceName } from './config.js';
import { ensureDataDir, tokenSettings } from './data-dir.js';
import { RIGHTS } from './rights.js';


/** What a bounded context brings to the composition. */
export interface Service {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly projections: readonly Projection[];
  /** Process managers: other contexts' events in, this context's commands out. */
  readonly reactions?: readonly Reaction[];
  readonly routes: FastifyPluginAsync<ServiceRuntime>;
}

/** What the composition root hands the services that need more than the runtime. */
export interface ServiceDependencies {
  readonly keys: KeyStore;
  /** Messages waiting to be sent. */
  readonly outbox: Outbox;
  /** Sign-in codes, sessions and admins. */
  readonly sessions: SessionStore;
  readonly calendarFeeds: CalendarFeeds;
  readonly sendSecret: (message: OutgoingMessage) => void;
  readonly tokens: TokenSettings;
  readonly oidc: MeentConfig['oidc'];
}

export const defaultServices = (dependencies: ServiceDependencies): readonly Service[] => [
  createMembership(dependencies),
  createVoting(dependencies),
  createBudget(),
  createInitiativeFunding(dependencies),
  createNotifications(dependencies),
  createIdentity(dependencies),
];

export interface BuildServerOptions {
  readonly config: MeentConfig;
  readonly logger?: HttpAppOptions['logger'];
  readonly clock?: () => Date;
  readonly newId?: () => string;
  readonly services?: (dependencies: ServiceDependencies) => readonly Service[];
}

export async function openEventStore(config: MeentConfig): Promise<EventStore> {
  if (config.eventStore === 'postgres') {
    return new PostgresEventStore({ connectionString: postgresUrl(config), schema: config.postgresSchema });
  }
  if (config.eventStore === 'eventstoredb') {
    if (!config.eventStoreDbUrl) throw new Error('MEENT_EVENTSTORE_URL is required for an EventStoreDB store');
    const { EventStoreDbEventStore } = await import('@meent/event-store/eventstoredb');
    return new EventStoreDbEventStore({ connectionString: config.eventStoreDbUrl, namespace: config.eventStoreDbNamespace });
  }
  ensureDataDir(config.dataDir);
  return new SqliteEventStore({ path: join(config.dataDir, 'events.db'), durability: config.sqliteDurability });
}

/**
 * Keys live beside the events (backed up with them), never with the read models a replay rebuilds. EventStoreDB
 * cannot forget a key on demand (a deleted stream lingers until a scavenge), so beside it they go to PostgreSQL when
 * one is configured, else to `keys.db` in the data directory.
 */
export function openKeyStore(config: MeentConfig): KeyStore {
  const inPostgres = config.eventStore === 'postgres' || (config.eventStore === 'eventstoredb' && config.postgresUrl);
  if (inPostgres) return new PostgresKeyStore({ connectionString: postgresUrl(config), schema: config.postgresSchema });
  ensureDataDir(config.dataDir);
  const file = config.eventStore === 'eventstoredb' ? 'keys.db' : 'events.db';
  return new SqliteKeyStore({ path: join(config.dataDir, file), durability: config.sqliteDurability });
}

/** Where read models, and beside them the operational state (sessions, outbox, admins), are kept. */
export function openReadModelStore(config: MeentConfig): ReadModelStore {
  if (config.readStore === 'postgres') {
    return new PostgresReadModelStore({ connectionString: postgresUrl(config), schema: `${config.postgresSchema}_read_models` });
  }
  ensureDataDir(config.dataDir);
  return new SqliteReadModelStore({ path: join(config.dataDir, 'read-models.db'), durability: config.sqliteDurability });
}

function postgresUrl(config: MeentConfig): string {
  if (!config.postgresUrl) throw new Error('MEENT_POSTGRES_URL is required for a PostgreSQL store');
  return config.postgresUrl;
}

/** PostgreSQL's refusals that no wait cures: a wrong user or password, a database that does not exist. */
const MISCONFIGURED_POSTGRES = new Set(['28P01', '28000', '3D000']);

/** The setting to fix when a store refused for a reason of its configuration; undefined when it is only out of reach. */
function misconfiguration(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ('code' in cause && MISCONFIGURED_POSTGRES.has(String(cause.code))) return `MEENT_POSTGRES_URL: ${cause.message}`;
  }
  return undefined;
}

/**
 * Asks each store once before serving: one that refuses for a reason of its configuration stops the start with the
 * setting named. One out of reach does not: the server starts, answers 503 and catches up when it returns.
 */
async function refuseMisconfiguredStores(stores: readonly { ping(): Promise<void> }[]): Promise<void> {
  for (const store of stores) {
    const reason = await store.ping().then(
      () => undefined,
      (error: unknown) => {
        // Tables a newer version made, or a released migration changed: nothing here may write to them.
        if (error instanceof SchemaMigrationError) throw error;
        return misconfiguration(error);
      },
    );
    if (reason) throw new ConfigError(`invalid configuration:\n  ${reason}`);
  }
}

/** A queue's pending and dead items as a gauge; absent while the read-model store is out of reach. */
function backlogCollector(name: string, what: string, backlog: () => Promise<Backlog>) {
  return {
    name,
    help: `${what} waiting for an attempt (pending) and given up after every attempt (dead): alert on dead above 0, or pending that keeps growing.`,
    labelNames: ['status'],
    collect: async () => {
      try {
        const { pending, dead } = await backlog();
        return [
          { labels: { status: 'pending' }, value: pending },
          { labels: { status: 'dead' }, value: dead },
        ];
      } catch (error) {
        if (error instanceof StoreUnavailableError) return [];
        throw error;
      }
    },
  };
}

/** One app from the chosen services and stores; closing the app closes projections and stores. */
export async function buildServer(options: BuildServerOptions): Promise<HttpApp> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  const store = await openEventStore(config);
  const readModels = openReadModelStore(config);
  const keys = openKeyStore(config);
  const tokens = tokenSettings(config);
  let outbox: Outbox;
  let sessions: SessionStore;
  let webhooks: Webhooks;
  let calendarFeeds: CalendarFeeds;
  try {
    await refuseMisconfiguredStores([store, readModels, keys]);
    outbox = await Outbox.open(readModels);
    sessions = await SessionStore.open(readModels, tokens.secret);
    webhooks = await Webhooks.open(readModels);
    calendarFeeds = await CalendarFeeds.open(readModels);
  } catch (error) {
    await Promise.all([readModels.close(), keys.close(), store.close()]);
    throw error;
  }
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, fileDirectory: join(config.dataDir, 'mail') });
  // Failures are logged by id and kind once the app, and its logger, exists.
  let logMailFailure = (_failure: MailFailure) => {};
  const sendSecret = directMail({ mailer, outbox, clock, onFailure: (failure) => logMailFailure(failure) });
  const composed = (options.services ?? defaultServices)({ keys, outbox, sessions, tokens, calendarFeeds, oidc: config.oidc, sendSecret });
  // A process serving some contexts still reads every event on record: their definitions are all registered.
  const services = composed.filter((service) => !isServiceName(service.name) || config.services.includes(service.name));
  let projections: Projections | undefined;
  let reactions: Reactions | undefined;
  const deliveries: DeliveryLoop[] = [];
  const closeAll = async () => {
    await Promise.all(deliveries.map((delivery) => delivery.close()));
    mailer.close();
    await reactions?.close();
    await projections?.close();
    await readModels.close();
    await keys.close();
    await store.close();
  };
  const storeChecks = [
    { name: 'event-store', check: () => store.ping() },
    { name: 'read-model-store', check: () => readModels.ping() },
  ];

  let app: HttpApp;
  try {
    app = await createHttpApp({
      logger: options.logger ?? { level: config.logLevel },
      tokens,
      clock,
      corsOrigins: config.corsOrigins,
      metricsAllowFrom: config.metricsAllowFrom,
      trustProxy: config.trustProxy,
      rateLimit: config.rateLimit,
      bodyLimitBytes: config.bodyLimitBytes,
      requestTimeoutMs: config.requestTimeoutMs,
      newRequestId: newUuidV7,
      readiness: storeChecks,
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  app.addHook('onClose', closeAll);
  logMailFailure = (failure) =>
    app.log.warn({ message: failure.id, kind: failure.kind, attempts: failure.attempts, err: failure.error }, 'a message was not sent; retrying later');
  try {
    const registry = new EventRegistry([...composed.flatMap((service) => service.events), ...auditEvents]);
    const started = await Projections.start({
      store,
      readModels,
      registry,
      projections: services.flatMap((service) => service.projections),
      onFailure: (projection, failure) => app.log.error({ projection, failure }, 'projection stopped'),
      onFollowError: (error) => app.log.error({ err: error }, 'the projection checkpoints could not be read'),
    });
    projections = started;
    // The three projection gauges of one scrape share one listing, and so one read of the head.
    let listing: Promise<ProjectionInfo[]> | undefined;
    const projectionInfo = () => {
      listing ??= started.list().finally(() => setImmediate(() => (listing = undefined)));
      return listing;
    };
    app.metrics.addCollector({
      name: 'meent_projection_position',
      help: 'Global position each projection has applied up to.',
      labelNames: ['projection'],
      collect: async () => (await projectionInfo()).map((info) => ({ labels: { projection: info.name }, value: info.position })),
    });
    app.metrics.addCollector({
      name: 'meent_projection_status',
      help: 'Each projection\'s status as a label, with value 1: alert on status="failed", or "retrying" for long.',
      labelNames: ['projection', 'status'],
      collect: async () =>
        (await projectionInfo()).map((info) => ({ labels: { projection: info.name, status: info.status }, value: 1 })),
    });
    app.metrics.addCollector({
      name: 'meent_projection_lag',
      help: 'Events on record that a projection has not applied yet (as of the last head read).',
      labelNames: ['projection'],
      collect: async () => (await projectionInfo()).map((info) => ({ labels: { projection: info.name }, value: info.lag })),
    });
    app.metrics.addCollector({
      name: 'meent_event_store_head_position',
      help: 'Global position of the newest event (absent while the event store is out of reach).',
      labelNames: [],
      collect: async () => {
        try {
          return [{ labels: {}, value: await store.headPosition() }];
        } catch (error) {
          if (error instanceof StoreUnavailableError) return [];
          throw error;
        }
      },
    });
    app.metrics.addCollector({
      name: 'meent_store_available',
      help: 'Whether a store answered just now (1) or not (0).',
      labelNames: ['store'],
      collect: async () =>
        Promise.all(storeChecks.map(async ({ name, check }) => ({ labels: { store: name }, value: await check().then(() => 1, () => 0) }))),
    });
    app.metrics.addCollector(backlogCollector('meent_outbox_messages', 'Mail', () => outbox.backlog()));
    app.metrics.addCollector(backlogCollector('meent_webhook_deliveries', 'Webhook deliveries', () => webhooks.backlog()));
    const commands = new CommandHandler({ store, registry });
    // What the history shows, a webhook may subscribe to.
    const publishedTypes = registry.types().filter((type) => !registry.isWithheld(type));
    reactions = await Reactions.start({
      store,
      readModels,
      registry,
      commands,
      reactions: config.runReactions
        ? [
            ...services.flatMap((service) => service.reactions ?? []),
            sealWhenAssemblyClosed(store, (type) => registry.isWithheld(type)),
            postToWebhooks(webhooks, publishedTypes, (event) => redact(registry.shownData(event) as JsonValue)),
          ]
        : [],
      onFailure: (reaction, error, position) => app.log.error({ reaction, position, err: error }, 'reaction failed; retrying'),
    });
    if (config.runReactions) {
      deliveries.push(
        startWebhookDelivery({
          webhooks,
          readModels,
          clock,
          pollMs: config.outboxPollMs,
          onStoreError: (error) => app.log.error({ err: error }, 'the webhook deliveries could not be read; retrying'),
        }),
      );
      deliveries.push(startMailDelivery({
        outbox,
        mailer,
        readModels,
        clock,
        pollMs: config.outboxPollMs,
        onFailure: (failure) => logMailFailure(failure),
        onStoreError: (error) => app.log.error({ err: error }, 'the outbox could not be read; retrying'),
      }));
    }
    const reactionsStarted = reactions;
    app.metrics.addCollector({
      name: 'meent_reaction_failed_attempts',
      help: 'Attempts in a row that failed for each reaction run here; 0 when it is well.',
      labelNames: ['reaction'],
      collect: async () =>
        reactionsStarted.list().map((status) => ({ labels: { reaction: status.name }, value: status.failure?.attempts ?? 0 })),
    });
    app.metrics.addCollector({
      name: 'meent_reaction_position',
      help: 'The last event each reaction run here finished reacting to.',
      labelNames: ['reaction'],
      collect: async () => reactionsStarted.list().map((status) => ({ labels: { reaction: status.name }, value: status.position })),
    });
    app.metrics.addCollector({
      name: 'meent_reaction_status',
      help: 'Each reaction\'s status as a label, with value 1: alert on status="retrying" for long.',
      labelNames: ['reaction', 'status'],
      collect: async () => reactionsStarted.list().map((status) => ({ labels: { reaction: status.name, status: status.status }, value: 1 })),
    });
    const runtime = serviceRuntime({
      commands,
      projections: started,
      clock,
      newId: options.newId ?? newUuidV7,
      readWaitMs: config.readWaitMs,
    });
    await app.register(accessPlugin, {
      rights: RIGHTS,
      callerIn: callerResolver(commands, clock),
      cooperativeOfStream: (stream) => commands.cooperativeOf(stream),
      ensureNotInLiquidation: (cooperativeId) => ensureNotInLiquidation(commands, cooperativeId),
    });
    for (const service of services) await app.register(service.routes, runtime);
    await app.register(adminRoutes, { projections: started, reactions });
    await app.register(auditRoutes, { runtime, store, registry });
    await app.register(webhookRoutes, { webhooks, eventTypes: publishedTypes, clock, newId: runtime.newId });
    await app.register(webApp, { prefix: '/app', api: config.appApiUrl ? fetchTransport(config.appApiUrl) : injectTransport(app) });
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}
