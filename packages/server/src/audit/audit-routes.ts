import { Readable } from 'node:stream';
import type { EventStore } from '@meent/event-store';
import type { EventRegistry, ServiceRuntime } from '@meent/eventsourcing';
import { BEARER_SECURITY, callerOf, commandOriginOf, csvOptionsQuery, forbidden, problemResponses } from '@meent/http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { history, historyCsvChunks, type HistoryEntry, type HistoryFilter } from './history.js';
import { sealDecider, sealStream, streamHeads } from './seal.js';
import { verifyCooperative } from './verification.js';

export interface AuditRoutesOptions {
  readonly runtime: ServiceRuntime;
  readonly store: EventStore;
  readonly registry: EventRegistry;
}

const cooperativeParams = z.object({ cooperativeId: z.uuid() });

const commaList = z
  .string()
  .min(1)
  .max(2000)
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(100)).max(50, 'at most 50 at once'));
const historyQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  type: commaList.optional(),
  stream: commaList.optional(),
  actor: z.string().min(1).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).default('json'),
  /** With `format=csv`: `semicolon` for a spreadsheet set to a decimal comma. */
  separator: csvOptionsQuery.shape.separator,
});

const historyEntrySchema = z
  .object({
    position: z.number(),
    stream: z.string(),
    revision: z.number(),
    type: z.string(),
    occurredAt: z.string(),
    actor: z.object({ id: z.string(), roles: z.array(z.string()) }),
    correlationId: z.string(),
    causationId: z.string().nullable(),
    data: z.unknown(),
  })
  .meta({ id: 'HistoryEntry' });
const historyPage = z.object({
  events: z.array(historyEntrySchema),
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: z.number().nullable(),
});

const verificationSchema = z
  .object({
    cooperativeId: z.uuid(),
    verified: z.boolean(),
    events: z.int(),
    streams: z.int(),
    seals: z.int(),
    latestRoot: z.string().nullable(),
    firstBrokenLink: z
      .object({
        stream: z.string(),
        revision: z.int(),
        position: z.number(),
        problem: z.enum(['missing-event', 'previous-hash', 'content-hash', 'seal']),
        expected: z.string(),
        found: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'Verification' });


export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (plain, { runtime, store, registry }) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  /** Auditors see every stream; any other member only their own. */
  const scopedFilter = async (
    request: FastifyRequest,
    cooperativeId: string,
    query: z.infer<typeof historyQuery>,
    streams: string[] | undefined,
  ): Promise<HistoryFilter> => {
    const caller = callerOf(request);
    let visible = streams;
    if (request.reach === 'own') {
      const own = [`member-${caller.subject}`];
      if (streams && streams.some((stream) => !own.includes(stream))) throw forbidden('A member sees only their own streams');
      visible = own;
    }
    return {
      cooperativeId,
      after: query.after,
      ...(query.type ? { types: query.type } : {}),
      ...(visible ? { streams: visible } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
    };
  };

  const answer = async (
    filter: HistoryFilter,
    query: z.infer<typeof historyQuery>,
    reply: FastifyReply,
  ) => {
    if (query.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="history-${filter.cooperativeId}.csv"`)
        .send(Readable.from(historyCsvChunks(store, registry, filter, query.separator)));
    }
    const events: HistoryEntry[] = [];
    for await (const entry of history(store, registry, filter)) {
      events.push(entry);
      if (events.length === query.limit) break;
    }
    const last = events[events.length - 1];
    return reply.send({ events, nextAfter: events.length === query.limit && last ? last.position : null });
  };

  const historyResponses = {
    200: historyPage.meta({ description: 'A page of events; with format=csv, every matching event as text/csv' }),
    ...problemResponses(400, 401, 403),
  };

  app.get(
    '/cooperatives/:cooperativeId/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'The cooperative’s history in global order, filtered; JSON pages or a streamed CSV',
        description: 'Treasurer, board and secretary see every stream; a member only their own.',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: historyQuery,
        produces: ['application/json', 'text/csv'],
        response: historyResponses,
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const filter = await scopedFilter(request, cooperativeId, request.query, request.query.stream);
      return answer(filter, request.query, reply);
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/streams/:stream/events',
    {
      schema: {
        tags: ['audit'],
        summary: 'One stream’s history',
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ stream: z.string().max(200).regex(/^[a-z]+(-[a-z]+)*-[0-9a-f-]+$/, 'a stream is named {category}-{id}') }),
        querystring: historyQuery.omit({ stream: true }),
        produces: ['application/json', 'text/csv'],
        response: historyResponses,
      },
    },
    async (request, reply) => {
      const { cooperativeId, stream } = request.params;
      const query = { ...request.query, stream: undefined };
      const filter = await scopedFilter(request, cooperativeId, query, [stream]);
      return answer(filter, query, reply);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/audit/seals',
    {
      schema: {
        tags: ['audit'],
        summary: 'Seal the history: a Merkle root over the heads of all the cooperative’s streams (treasurer, secretary)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        response: {
          201: z.object({ root: z.string(), upToPosition: z.number(), streams: z.int(), position: z.number() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const upToPosition = await store.headPosition();
      const heads = await streamHeads(store, cooperativeId, upToPosition, (type) => registry.isWithheld(type));
      const now = runtime.clock();
      const result = await runtime.commands.handle(
        sealStream(cooperativeId),
        sealDecider,
        { type: 'Seal', cooperativeId, heads, upToPosition, reason: 'on-demand', now },
        { ...commandOriginOf(request, cooperativeId), occurredAt: now },
      );
      const sealed = result.events[0];
      return reply.code(201).send({
        root: sealed?.data.root ?? '',
        upToPosition,
        streams: heads.length,
        position: result.position,
      });
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/audit/verification',
    {
      schema: {
        tags: ['audit'],
        summary: 'Recheck every hash, link and seal of the cooperative’s history; names the first broken link',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        response: { 200: verificationSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      return verifyCooperative(store, cooperativeId, (type) => registry.isWithheld(type));
    },
  );
};
