import type { ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandContextOf,
  minPositionQuery,
  notFound,
  problemResponses,
  reference,
} from '@meent/http';
import { cooperativeParams, readAfter } from '@meent/membership';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readEverything } from './application/caught-up.js';
import { assemblyRequestDecider, assemblyRequestStream } from './domain/assembly-request.decider.js';
import { assembliesProjection, assemblyRequest, assemblyRequestSchema } from './projections/assemblies.projection.js';
import { eligibleAt, rulesOf, votingRegisterProjection } from './projections/voting-register.projection.js';

const requestParams = cooperativeParams.extend({ requestId: reference('assembly-request') });
const accepted = problemResponses(400, 401, 403, 404, 409, 422, 503);

/** BW 2:41: members holding a tenth of the votes (or the rules' share) may demand an assembly. */
export const assemblyRequestRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  /** The caller's vote and everyone's, now, from the voting context's own membership projection. */
  const standingOf = async (request: FastifyRequest, cooperativeId: string) => {
    const memberId = callerOf(request).subject;
    await readEverything(runtime, votingRegisterProjection);
    const now = runtime.clock();
    const { rules, eligible } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
      rules: await rulesOf(reader, tables, cooperativeId),
      eligible: await eligibleAt(reader, tables, cooperativeId, now.toISOString()),
    }));
    if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
    return {
      memberId,
      weight: eligible.find((voter) => voter.memberId === memberId)?.weight ?? 0,
      eligibleWeight: eligible.reduce((sum, voter) => sum + voter.weight, 0),
      share: rules.rules.assemblyRequestShare,
      now,
    };
  };

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
      const standing = await standingOf(request, cooperativeId);
      const requestId = runtime.newId();
      const result = await runtime.commands.handle(
        assemblyRequestStream(requestId),
        assemblyRequestDecider,
        { type: 'RequestAssembly', requestId, cooperativeId, subject: request.body.subject, ...standing },
        commandContextOf(request, cooperativeId, standing.now),
      );
      return reply.code(201).send({ id: requestId, position: result.position });
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
      const standing = await standingOf(request, cooperativeId);
      const result = await runtime.commands.handle(
        assemblyRequestStream(requestId),
        assemblyRequestDecider,
        { type: 'SupportRequest', ...standing },
        commandContextOf(request, cooperativeId, standing.now),
      );
      return { id: requestId, position: result.position };
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
