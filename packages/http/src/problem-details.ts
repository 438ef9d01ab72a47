// RFC 9457 problem details: the one shape every error leaves the API in.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    rule: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** An error raised at the HTTP edge (auth, lookups) that maps to a 4xx problem. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** The fields the problem is about, for a client to show next to them. */
    readonly details: { readonly errors?: readonly { in: string; field: string; message: string }[] } = {},
  ) {
    super(message);
  }
}

export const unauthorized = (message: string) => new HttpProblem(401, 'UNAUTHORIZED', message);
export const forbidden = (message: string) => new HttpProblem(403, 'FORBIDDEN', message);
export const notFound = (message: string) => new HttpProblem(404, 'NOT_FOUND', message);

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problemType(code: string): string {
  return `urn:meent:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  fields: Omit<Problem, 'type' | 'title' | 'instance'> & { title?: string },
): FastifyReply {
  const problem: Problem = {
    type: problemType(fields.code),
    title: fields.title ?? TITLES[fields.status] ?? 'Error',
    instance: request.url,
    ...fields,
  };
  return reply.code(fields.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

interface ClientError extends Error {
  statusCode: number;
  code?: string;
  rule?: string;
}

/** A 4xx from anywhere (a domain rule, fastify's own checks), or any problem raised on purpose at the edge. */
function isDeliberate(error: unknown): error is ClientError {
  if (error instanceof HttpProblem) return true;
  return (
    error instanceof Error &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode < 500
  );
}

interface UnavailableError extends Error {
  statusCode: 503;
  code: string;
  retryAfterSeconds: number;
  /** What the caller may be told, when it is not that a database is out of reach (a read model being rebuilt). */
  publicDetail?: string;
}

/** A store out of reach for now (see the event store's `StoreUnavailableError`): the same request may succeed later. */
function isUnavailable(error: unknown): error is UnavailableError {
  return (
    error instanceof Error &&
    'statusCode' in error &&
    error.statusCode === 503 &&
    'retryAfterSeconds' in error &&
    typeof error.retryAfterSeconds === 'number'
  );
}

/** `/rules/noticeDays` becomes `rules.noticeDays`; the root is named after where the input was. */
function fieldName(instancePath: string, location: string): string {
  const path = instancePath.split('/').filter(Boolean).join('.');
  return path || location;
}

function problemDetails(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const location = error.validationContext ?? 'body';
      const errors = error.validation.map((issue) => ({
        in: location,
        field: fieldName(issue.instancePath, location),
        message: issue.message ?? 'is invalid',
      }));
      return sendProblem(request, reply, {
        status: 400,
        code: 'VALIDATION',
        detail: errors.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
        errors,
      });
    }
    if (isDeliberate(error)) {
      // fastify's own body errors (not JSON, empty, too large, another media type) are about the body as a whole.
      const aboutTheBody = error.code?.startsWith('FST_ERR_CTP_') ? [{ in: 'body', field: 'body', message: error.message }] : undefined;
      const errors = error instanceof HttpProblem ? error.details.errors : aboutTheBody;
      return sendProblem(request, reply, {
        status: error.statusCode,
        code: error.code ?? 'CLIENT_ERROR',
        detail: error.message,
        ...(error.rule ? { rule: error.rule } : {}),
        ...(errors ? { errors: [...errors] } : {}),
      });
    }
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'a store is unavailable');
      reply.header('retry-after', String(error.retryAfterSeconds));
      return sendProblem(request, reply, {
        status: 503,
        code: error.code,
        detail: error.publicDetail ??
          (request.method === 'GET' || request.method === 'HEAD'
            ? 'The service cannot reach its database just now; please try again shortly.'
            : // A connection lost during a commit leaves it unknown whether the write went through.
              'The service cannot reach its database just now; please try again shortly. The change may or may not have been recorded: read it back before sending it again.'),
      });
    }
    request.log.error({ err: error }, 'request failed');
    // The message of an unexpected error can carry internals (SQL, paths); only the request id leaves.
    return sendProblem(request, reply, {
      status: 500,
      code: 'INTERNAL',
      detail: `An unexpected error occurred. It was logged under request id ${request.id}.`,
    });
  });

  // Any route may be rate limited, and any that uses a store may find it out of reach: each says so in the document.
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { hide?: boolean; response?: Record<number, unknown> } | undefined;
    if (!schema?.response || schema.hide) return;
    const usesNoStore = route.config?.usesNoStore === true;
    schema.response = { 429: problemSchema, ...(usesNoStore ? {} : { 503: problemSchema }), ...schema.response };
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    }),
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without any store, so it never answers 503. */
    usesNoStore?: boolean;
  }
}

export const problemDetailsPlugin = fp(problemDetails, { name: 'meent-problem-details', fastify: '5.x' });

/** The problem answers a route may give, keyed by status, for its OpenAPI description. */
export function problemResponses<const Status extends number>(...statuses: Status[]): Record<Status, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<Status, typeof problemSchema>;
}
