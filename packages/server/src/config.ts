// Configuration comes from the environment only, validated here; the README's table lists every variable.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const SERVICE_NAMES = ['membership', 'voting', 'budget', 'initiative-funding'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const configSchema = z.object({
  MEENT_HOST: z.string().min(1).default('127.0.0.1'),
  MEENT_PORT: port.default(3000),
  MEENT_DATA_DIR: z.string().min(1).default('./data'),
  MEENT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MEENT_EVENT_STORE: z.enum(['sqlite', 'postgres', 'eventstoredb']).default('sqlite'),
  MEENT_READ_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  MEENT_POSTGRES_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string').optional(),
  MEENT_POSTGRES_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case identifier').default('meent'),
  MEENT_EVENTSTORE_URL: z.string().regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// or esdb+discover:// connection string').optional(),
  MEENT_EVENTSTORE_NAMESPACE: z.string().regex(/^[a-z0-9_]*$/, 'may hold only a-z, 0-9 and _').default(''),
  MEENT_SQLITE_DURABILITY: z.enum(['normal', 'full']).default('normal'),
  MEENT_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MEENT_JWT_ISSUER: z.string().min(1).optional(),
  MEENT_JWT_AUDIENCE: z.string().min(1).optional(),
  MEENT_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  MEENT_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((origin) => new URL(origin).origin === origin, 'must be an origin: scheme, host and port only'))),
  MEENT_TRUST_PROXY: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((address) => address.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: 'must be IP addresses or ranges (10.0.0.0/8), comma-separated' }))),
  MEENT_APP_API_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) address of a Meent API' }).optional(),
  MEENT_METRICS_ALLOW_FROM: z
    .string()
    .default('127.0.0.1,::1,::ffff:127.0.0.1')
    .transform((list) => list.split(',').map((address) => address.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: 'must be IP addresses, comma-separated' }))),
  MEENT_RATE_LIMIT_PER_TOKEN: z.coerce.number().int().positive().default(6000),
  MEENT_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(300),
  MEENT_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  MEENT_READ_WAIT_MS: z.coerce.number().int().nonnegative().default(5000),
  MEENT_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  MEENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  MEENT_SERVICES: z
    .string()
    .default(SERVICE_NAMES.join(','))
    .transform((list) => list.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(SERVICE_NAMES)).min(1, 'name at least one service')),
  MEENT_REACTIONS: z.enum(['on', 'off']).default('on'),
  MEENT_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  MEENT_OIDC_AUDIENCE: z.string().min(1).optional(),
  MEENT_OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  MEENT_OIDC_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  MEENT_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MEENT_MAIL_FROM: z.string().regex(/<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/, 'must be an address, or a name and <address>').default('Meent <meent@localhost>'),
});

export interface MeentConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof configSchema>['MEENT_LOG_LEVEL'];
  readonly eventStore: 'sqlite' | 'postgres' | 'eventstoredb';
  readonly readStore: 'sqlite' | 'postgres';
  /** Connection string for whichever store is PostgreSQL. */
  readonly postgresUrl: string | undefined;
  /** Events and keys live in this schema, read models in `{schema}_read_models`. */
  readonly postgresSchema: string;
  readonly eventStoreDbUrl: string | undefined;
  /** Prefix of this deployment's stream names on a shared EventStoreDB cluster. */
  readonly eventStoreDbNamespace: string;
  readonly sqliteDurability: 'normal' | 'full';
  /** When unset, a secret generated once into the data directory signs tokens. */
  readonly jwtSecret: string | undefined;
  /** When set, tokens must carry this `iss` (and `meent token` puts it in). */
  readonly jwtIssuer: string | undefined;
  /** When set, tokens must name this `aud` (and `meent token` puts it in). */
  readonly jwtAudience: string | undefined;
  readonly jwtClockSkewSeconds: number;
  /** Browser origins allowed to call the API; none by default. */
  readonly corsOrigins: readonly string[];
  /** Proxies (addresses or ranges) whose X-Forwarded-For names the caller; none unless set. */
  readonly trustProxy: readonly string[];
  /** Addresses that may read `/metrics` without an admin's token. */
  readonly metricsAllowFrom: readonly string[];
  /** The Meent whose API the web app at /app uses; unset, this process's own. */
  readonly appApiUrl: string | undefined;
  /** Requests a minute per caller with a valid token, and per address without one. */
  readonly rateLimit: { readonly perToken: number; readonly perAddress: number };
  readonly bodyLimitBytes: number;
  readonly readWaitMs: number;
  /** How often the mail and webhook outboxes look for what another process queued or what fell due. */
  readonly outboxPollMs: number;
  /** How long a client may take to send a whole request. */
  readonly requestTimeoutMs: number;
  /** The bounded contexts this process serves: their routes, projections and reactions. */
  readonly services: readonly ServiceName[];
  /** Whether this process runs reactions; with several processes on one store, one may do it for all. */
  readonly runReactions: boolean;
  /** Where mail goes: an SMTP server, or, unset, `.eml` files under `{dataDir}/mail`. */
  readonly smtpUrl: string | undefined;
  /** The federation's identity provider, whose ID tokens sign linked members in. */
  readonly oidc: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string | undefined; readonly jwksCooldownSeconds: number } | undefined;
  readonly mailFrom: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): MeentConfig {
  const parsed = configSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const needsPostgres = env.MEENT_EVENT_STORE === 'postgres' || env.MEENT_READ_STORE === 'postgres';
  if (needsPostgres && !env.MEENT_POSTGRES_URL) {
    throw new ConfigError('invalid configuration:\n  MEENT_POSTGRES_URL: required when a store is postgres');
  }
  if (env.MEENT_OIDC_ISSUER && !env.MEENT_OIDC_AUDIENCE) {
    throw new ConfigError('invalid configuration:\n  MEENT_OIDC_AUDIENCE: required with MEENT_OIDC_ISSUER (the client id at the provider)');
  }
  if (env.MEENT_EVENT_STORE === 'eventstoredb' && !env.MEENT_EVENTSTORE_URL) {
    throw new ConfigError('invalid configuration:\n  MEENT_EVENTSTORE_URL: required when the event store is eventstoredb');
  }
  return {
    host: env.MEENT_HOST,
    port: env.MEENT_PORT,
    dataDir: resolve(env.MEENT_DATA_DIR),
    logLevel: env.MEENT_LOG_LEVEL,
    eventStore: env.MEENT_EVENT_STORE,
    readStore: env.MEENT_READ_STORE,
    postgresUrl: env.MEENT_POSTGRES_URL,
    postgresSchema: env.MEENT_POSTGRES_SCHEMA,
    eventStoreDbUrl: env.MEENT_EVENTSTORE_URL,
    eventStoreDbNamespace: env.MEENT_EVENTSTORE_NAMESPACE,
    sqliteDurability: env.MEENT_SQLITE_DURABILITY,
    jwtSecret: env.MEENT_JWT_SECRET,
    jwtIssuer: env.MEENT_JWT_ISSUER,
    jwtAudience: env.MEENT_JWT_AUDIENCE,
    jwtClockSkewSeconds: env.MEENT_JWT_CLOCK_SKEW_SECONDS,
    corsOrigins: env.MEENT_CORS_ORIGINS,
    metricsAllowFrom: env.MEENT_METRICS_ALLOW_FROM,
    appApiUrl: env.MEENT_APP_API_URL,
    trustProxy: env.MEENT_TRUST_PROXY,
    rateLimit: { perToken: env.MEENT_RATE_LIMIT_PER_TOKEN, perAddress: env.MEENT_RATE_LIMIT_PER_ADDRESS },
    bodyLimitBytes: env.MEENT_BODY_LIMIT_BYTES,
    readWaitMs: env.MEENT_READ_WAIT_MS,
    outboxPollMs: env.MEENT_OUTBOX_POLL_MS,
    requestTimeoutMs: env.MEENT_REQUEST_TIMEOUT_MS,
    services: env.MEENT_SERVICES,
    runReactions: env.MEENT_REACTIONS === 'on',
    smtpUrl: env.MEENT_SMTP_URL,
    oidc:
      env.MEENT_OIDC_ISSUER && env.MEENT_OIDC_AUDIENCE
        ? {
            issuer: env.MEENT_OIDC_ISSUER,
            audience: env.MEENT_OIDC_AUDIENCE,
            jwksUrl: env.MEENT_OIDC_JWKS_URL,
            jwksCooldownSeconds: env.MEENT_OIDC_JWKS_COOLDOWN_SECONDS,
          }
        : undefined,
    mailFrom: env.MEENT_MAIL_FROM,
  };
}
