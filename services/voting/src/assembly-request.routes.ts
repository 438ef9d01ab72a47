import type { ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  minPositionQuery,
  notFound,
  problemResponses,
  readAfter,
  reference,
} from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { votingStandingOf } from './application/assembly-request.js';
import { assemblyRequestAggregate } from './domain/assembly-request.decider.js';
import { assembliesProjection, assemblyRequest, assemblyRequestSchema } from './projections/assemblies.projection.js';

const requestParams = cooperativeParams.extend({ requestId: reference('assembly-request') });
const accepted = problemResponses(400, 401, 403, 404, 409, 422, 503);

/** BW 2:41: members holding a tenth of the votes (or the rules' share) may demand an assembly. */
export const assemblyRequestRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  const requests = runtime.aggregate(assemblyRequestAggregate);

  app.post(
    '/cooperatives/:cooperativeId/assembly-requests',
    {
      schema: {
        tags: ['voting'],
        summary: 'Request a general assembly, as its first supporter (a member with a vote)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({ subject: z.string().trim().min(1).max(2000) }),
        response: { 201: commandAcceptedSchema, ...accepted },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const standing = await votingStandingOf(runtime, cooperativeId, callerOf(request).subject);
      const requestId = runtime.newId();
      const { id, position } = await requests.append(commandOriginOf(request, cooperativeId), requestId, (now) => ({
        type: 'RequestAssembly',
        requestId,
        cooperativeId,
        subject: request.body.subject,
        ...standing,
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/assembly-requests/:requestId/support',
    {
      schema: {
        tags: ['voting'],
        summary: 'Support a request for an assembly (a member with a vote)',
        security: BEARER_SECURITY,
        params: requestParams,
        response: { 200: commandAcceptedSchema, ...accepted },
      },
    },
    async (request) => {
      const { cooperativeId, requestId } = request.params;
      const standing = await votingStandingOf(runtime, cooperativeId, callerOf(request).subject);
      const { id, position } = await requests.handle(commandOriginOf(request, cooperativeId), requestId, (_request, now) => ({
        type: 'SupportRequest',
        ...standing,
        now,
      }));
      return { id, position };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/assembly-requests/:requestId',
    {
      schema: {
        tags: ['voting'],
        summary: "A request for an assembly: its support and, once demanded, the board's deadline (any member)",
        security: BEARER_SECURITY,
        params: requestParams,
        querystring: minPositionQuery,
        response: { 200: assemblyRequestSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { cooperativeId, requestId } = request.params;
      await readAfter(runtime, assembliesProjection, request.query.minPosition);
      const found = await runtime.projections.query(assembliesProjection, (reader, tables) =>
        assemblyRequest(reader, tables, cooperativeId, requestId),
      );
      if (!found) throw notFound(`No request ${requestId}`);
      return found;
    },
  );
};
