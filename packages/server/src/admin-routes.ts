import { ReplayInProgressError, UnknownProjectionError, type Projections, type Reactions } from '@meent/eventsourcing';
import { BEARER_SECURITY, HttpProblem, notFound, problemSchema } from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const failureSchema = z.object({ message: z.string(), position: z.number(), eventType: z.string() });

const transientErrorSchema = z
  .object({
    message: z.string(),
    at: z.iso.datetime(),
    attempts: z.int().describe('Attempts in a row that had failed by then'),
  })
  .describe('The latest failure of the store under this projection (out of reach, say), which it retried from its checkpoint; kept after it recovered');

export const replaySchema = z
  .object({
    generation: z.int(),
    position: z.number(),
    targetPosition: z.number(),
    eventsPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
    status: z.enum(['replaying', 'completed', 'failed']),
    failure: failureSchema.optional(),
  })
  .meta({ id: 'ReplayProgress' });

export const projectionSchema = z
  .object({
    name: z.string(),
    status: z
      .enum(['starting', 'running', 'standby', 'retrying', 'failed', 'stopped'])
      .describe(
        '`standby`: another process writes it; `retrying`: the store failed under it and it starts again from its checkpoint; `failed`: a handler threw, see `failure`',
      ),
    generation: z.int(),
    position: z.number(),
    lag: z
      .number()
      .describe(
        'The head position minus this one: a count of events on SQLite; on PostgreSQL positions rise by 65,536 per transaction and on EventStoreDB they are offsets in its log, so there 0 (caught up) is the figure to read',
      ),
    eventsPerSecond: z.number(),
    failure: failureSchema.nullable(),
    lastError: transientErrorSchema.nullable(),
    replay: replaySchema.nullable(),
  })
  .meta({ id: 'Projection' });

const nameParams = z.object({ name: z.string().min(1) });
const problems = { 401: problemSchema, 403: problemSchema, 404: problemSchema };

/** The admin's view of projections: their positions and lag, a replay into fresh tables, a restart after failure. */
export const adminRoutes: FastifyPluginAsync<{ projections: Projections; reactions: Reactions }> = async (
  plain,
  { projections, reactions },
) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const known = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UnknownProjectionError) throw notFound(error.message);
      if (error instanceof ReplayInProgressError) throw new HttpProblem(409, 'REPLAY_IN_PROGRESS', error.message);
      throw error;
    }
  };

  app.get(
    '/admin/projections',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every projection: position, lag, status, events per second',
        security: BEARER_SECURITY,
        response: { 200: z.object({ projections: z.array(projectionSchema) }), ...problems },
      },
    },
    async () => ({ projections: await projections.list() }),
  );

  app.get(
    '/admin/reactions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every reaction (process manager): the last event it finished, and a failure it keeps retrying',
        security: BEARER_SECURITY,
        response: {
          200: z.object({
            reactions: z.array(
              z.object({
                name: z.string(),
                status: z
                  .enum(['starting', 'running', 'standby', 'retrying'])
                  .describe('`standby`: another process runs it; `retrying`: it, or the store under it, keeps failing'),
                position: z.int(),
                failure: z.object({ message: z.string(), position: z.int(), attempts: z.int() }).nullable(),
              }),
            ),
          }),
          ...problems,
        },
      },
    },
    async () => ({ reactions: reactions.list() }),
  );

  app.get(
    '/admin/projections/:name',
    {
      schema: {
        tags: ['admin'],
        summary: 'One projection, with the progress of its replay',
        security: BEARER_SECURITY,
        params: nameParams,
        response: { 200: projectionSchema, ...problems },
      },
    },
    async (request) => known(() => projections.info(request.params.name)),
  );

  app.post(
    '/admin/projections/:name/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Rebuild a projection from position 0 into fresh tables, then swap',
        description: 'The current tables keep serving reads until the rebuild has caught up.',
        security: BEARER_SECURITY,
        params: nameParams,
        response: { 202: replaySchema, ...problems, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const progress = await known(() => projections.replay(request.params.name));
      request.log.info({ projection: request.params.name, generation: progress.generation }, 'replay started');
      return reply.code(202).send(progress);
    },
  );

  app.post(
    '/admin/projections/:name/restart',
    {
      schema: {
        tags: ['admin'],
        summary: 'Restart a stopped or failed projection from its checkpoint',
        security: BEARER_SECURITY,
        params: nameParams,
        response: { 200: projectionSchema, ...problems },
      },
    },
    async (request) =>
      known(async () => {
        await projections.restart(request.params.name);
        return projections.info(request.params.name);
      }),
  );
};
