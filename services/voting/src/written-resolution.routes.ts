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
import { DECISION_TYPES } from '@meent/membership/events';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { proposeResolution } from './application/written-resolution.js';
import { writtenResolutionAggregate } from './domain/written-resolution.decider.js';
import { writtenResolutionOf, writtenResolutionSchema, writtenResolutionsProjection } from './projections/written-resolutions.projection.js';
import { subjectInput } from './subject-input.js';

const resolutionParams = cooperativeParams.extend({ resolutionId: reference('written-resolution') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };

/**
 * BW 2:40 lid 2: a decision outside a meeting — proposed by the board's secretary or chair to every member with a vote,
 * a decision of the general assembly once each of them approved it in writing.
 */
export const writtenResolutionRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const resolutions = runtime.aggregate(writtenResolutionAggregate);

  app.post(
    '/cooperatives/:cooperativeId/written-resolutions',
    {
      schema: {
        tags: ['voting'],
        summary: 'Put a written resolution to every member with a vote, with the board’s knowledge (secretary or chair)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({
          title: z.string().trim().min(1).max(200),
          text: z.string().trim().min(1).max(50_000),
          decisionType: z.enum(DECISION_TYPES).default('ordinary'),
          subject: subjectInput.optional(),
        }),
        response: { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const proposal = { ...request.body, subject: request.body.subject ?? null };
      return reply.code(201).send(await proposeResolution(runtime, commandOriginOf(request, cooperativeId), proposal, callerOf(request).subject));
    },
  );

  for (const [path, type, summary] of [
    ['approval', 'ApproveResolution', 'Approve a written resolution, in writing (a member with a vote when it was proposed)'],
    ['declining', 'DeclineResolution', 'Decline a written resolution, which ends it without a decision (a member with a vote)'],
  ] as const) {
    app.post(
      `/cooperatives/:cooperativeId/written-resolutions/:resolutionId/${path}`,
      { schema: { tags: ['voting'], summary, security: BEARER_SECURITY, params: resolutionParams, response: accepted } },
      async (request) => {
        const { cooperativeId, resolutionId } = request.params;
        const memberId = callerOf(request).subject;
        const { id, position } = await resolutions.handle(commandOriginOf(request, cooperativeId), resolutionId, (_resolution, now) => ({ type, memberId, now }));
        return { id, position };
      },
    );
  }

  app.get(
    '/cooperatives/:cooperativeId/written-resolutions/:resolutionId',
    {
      schema: {
        tags: ['voting'],
        summary: 'A written resolution: who approved it, who has yet to, and how it ended',
        security: BEARER_SECURITY,
        params: resolutionParams,
        querystring: minPositionQuery,
        response: { 200: writtenResolutionSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { cooperativeId, resolutionId } = request.params;
      await readAfter(runtime, writtenResolutionsProjection, request.query.minPosition);
      const resolution = await runtime.projections.query(writtenResolutionsProjection, (reader, tables) =>
        writtenResolutionOf(reader, tables, cooperativeId, resolutionId),
      );
      if (!resolution) throw notFound(`No written resolution ${resolutionId}`);
      return resolution;
    },
  );
};
