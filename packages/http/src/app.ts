import { createServer } from 'node:http';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { authPlugin, checkBearer, type TokenSettings } from './auth.js';
import { metricsPlugin } from './metrics.js';
import { finishOpenApiDocument } from './openapi.js';
import { HttpProblem, problemDetailsPlugin, sendProblem } from './problem-details.js';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HttpAppOptions {
  /** pino options, `false` for silence in tests, or a logger to reuse. */
  readonly logger: boolean | { level: string; stream?: { write(line: string): void } } | FastifyBaseLogger;
  readonly tokens: TokenSettings;
  readonly clock: () => Date;
  /** How long a client may take to send a whole request, headers and body; 30 s unless set. */
  readonly requestTimeoutMs?: number;
  /** Origins a browser may call the API from; none unless listed. */
  readonly corsOrigins?: readonly string[];
  readonly rateLimit?: RateLimits;
  readonly bodyLimitBytes?: number;
  readonly readiness?: readonly ReadinessCheck[];
  /** Proxies (addresses or ranges) whose X-Forwarded-For names the caller, for rate limits and logs; none unless set. */
  readonly trustProxy?: readonly string[];
  /** Addresses that may read `/metrics` without an admin's token; loopback unless set. */
  readonly metricsAllowFrom?: readonly string[];
  readonly version?: string;
  /** Ids for requests that bring none of their own; uuid v7 by default. */
  readonly newRequestId?: () => string;
}

/** Requests a minute: per caller with a valid token, and per address for everything else. */
export interface RateLimits {
  readonly perToken: number;
  readonly perAddress: number;
}

const DEFAULT_RATE_LIMITS: RateLimits = { perToken: 6000, perAddress: 300 };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Paths whose last part is itself a credential: a calendar feed's secret. */
const SECRET_IN_PATH = /^(\/calendars\/)[^/?]+/;

/**
 * A request as the log shows it: its query's names but not their values, which can be personal (the register's
 * `?name=` search) — personal data never enters a log line — and no secret a path carries.
 */
export function loggedRequest(request: { method: string; url: string; ip?: string }) {
  const [fullPath = '', query] = request.url.split('?', 2);
  const path = fullPath.replace(SECRET_IN_PATH, '$1…');
  const names = query ? [...new URLSearchParams(query).keys()] : [];
  return {
    method: request.method,
    url: names.length > 0 ? `${path}?${names.map((name) => `${name}=…`).join('&')}` : path,
    ...(request.ip ? { remoteAddress: request.ip } : {}),
  };
}

/** The bare app every service plugs into: problems, auth, OpenAPI, health, metrics and request ids. */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const newRequestId = options.newRequestId ?? (() => uuidv7());
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const serverOptions: FastifyServerOptions = {
    ...(typeof options.logger === 'boolean' || 'level' in options.logger
      ? { logger: options.logger && { ...(options.logger === true ? {} : options.logger), serializers: { req: loggedRequest } } }
      : { loggerInstance: options.logger }),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    ...(options.trustProxy && options.trustProxy.length > 0 ? { trustProxy: [...options.trustProxy] } : {}),
    // A client trickling its request must not hold a connection (and its memory) for as long as it likes; node looks
    // for such requests every 30 s unless told otherwise, and a timeout is only as sharp as that look.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: requestTimeoutMs,
          headersTimeout: Math.min(60_000, requestTimeoutMs),
          connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
          // fastify's own default, which its server factory would have set: longer than a proxy's usual idle timeout.
          keepAliveTimeout: 72_000,
        },
        handler,
      ),
    // A caller's own id (a proxy's, say) is kept when it is sane, so one id follows a request across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newRequestId();
    },
  };
  const app: HttpApp = Fastify(serverOptions).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(problemDetailsPlugin);
  await app.register(helmet);
  await app.register(cors, {
    // Without configured origins no CORS header is sent, so browsers keep other sites out.
    origin: options.corsOrigins && options.corsOrigins.length > 0 ? [...options.corsOrigins] : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'location', 'retry-after'],
    maxAge: 600,
  });
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMITS;
  await app.register(rateLimit, {
    timeWindow: 60_000,
    // A caller is counted by the subject of a token that verifies, anyone else by address: a made-up token buys no
    // fresh allowance.
    keyGenerator: async (request) => {
      const check = await checkBearer(request, options.tokens, options.clock());
      return check.ok ? `token:${check.principal.subject}` : `address:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith('token:') ? limits.perToken : limits.perAddress),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'RATE_LIMITED', `Too many requests; try again in ${context.after}`),
  });
  await app.register(authPlugin, { tokens: options.tokens, clock: options.clock });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Meent',
        description: 'Event-sourced governance backend for neighbourhood cooperatives',
        version: options.version ?? '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => finishOpenApiDocument(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // After the document's own registration, so the document lists its route.
  await app.register(metricsPlugin, { tokens: options.tokens, clock: options.clock, ...(options.metricsAllowFrom ? { allowFrom: options.metricsAllowFrom } : {}) });
  await app.register(healthPlugin, { readiness: options.readiness ?? [] });
  return app;
}

const healthSchema = z.object({
  status: z.enum(['live', 'ready']),
  checks: z.record(z.string(), z.literal('ok')).optional(),
});

function health(app: FastifyInstance, options: { readiness: readonly ReadinessCheck[] }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/health/live',
    { schema: { tags: ['operations'], summary: 'The process is up', response: { 200: healthSchema } }, config: { usesNoStore: true } },
    async () => ({ status: 'live' as const }),
  );
  typed.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'The event store and read-model store answer',
        response: { 200: healthSchema },
      },
    },
    async (request, reply) => {
      const checks: Record<string, 'ok'> = {};
      for (const readiness of options.readiness) {
        try {
          await readiness.check();
          checks[readiness.name] = 'ok';
        } catch (error) {
          request.log.warn({ err: error, check: readiness.name }, 'readiness check failed');
          reply.header('retry-after', '5');
          return sendProblem(request, reply, {
            status: 503,
            code: 'NOT_READY',
            detail: `${readiness.name} is not reachable`,
          });
        }
      }
      return { status: 'ready' as const, checks };
    },
  );
}

const healthPlugin = fp(health, { name: 'meent-health', fastify: '5.x' });
