import type { ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  problemResponses,
  reference,
} from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appointOfficer } from './application/cooperative.js';
import { cooperativeAggregate } from './domain/cooperative.decider.js';
import { OFFICES } from './domain/cooperative.events.js';
import { memberParams } from './member.routes.js';

const problems = problemResponses(400, 401, 403, 404);
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };

/** Appointing and dismissing the chair, secretary, treasurer and board: an admin (the first officers) or the chair
 * or secretary on record. */
export const officerRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const cooperatives = runtime.aggregate(cooperativeAggregate);

  app.get(
    '/cooperatives/:cooperativeId/officers',
    {
      schema: {
        tags: ['membership'],
        summary: 'Who holds which office (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        response: {
          200: z.object({ officers: z.array(z.object({ memberId: z.uuid(), office: z.enum(OFFICES) })) }),
          ...problems,
        },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      return { officers: [...(await cooperatives.load(cooperativeId, cooperativeId)).officers] };
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/officers',
    {
      schema: {
        tags: ['membership'],
        summary: 'Appoint an admitted member to an office (admin, chair or secretary)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({ memberId: reference('member'), office: z.enum(OFFICES) }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      return appointOfficer(runtime, commandOriginOf(request, cooperativeId), request.body.memberId, request.body.office);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/officers/:memberId/dismissal',
    {
      schema: {
        tags: ['membership'],
        summary: 'Dismiss an officer from an office (admin, chair or secretary)',
        security: BEARER_SECURITY,
        params: memberParams,
        body: z.strictObject({ office: z.enum(OFFICES) }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, memberId } = request.params;
      const { position } = await cooperatives.handle(commandOriginOf(request, cooperativeId), cooperativeId, (_cooperative, now) => ({
        type: 'DismissOfficer',
        memberId,
        office: request.body.office,
        now,
      }));
      return { id: memberId, position };
    },
  );
};
