import type { ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  commandAcceptedSchema,
  commandContextOf,
  notFound,
  problemResponses,
  reference,
} from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cooperativeDecider, cooperativeStream } from './domain/cooperative.decider.js';
import { OFFICES } from './domain/cooperative.events.js';
import { memberDecider, memberStream } from './domain/member.decider.js';
import { cooperativeParams, memberParams } from './route-support.js';

const problems = problemResponses(400, 401, 403, 404);
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };

/** Appointing and dismissing the chair, secretary, treasurer and board: an admin (the first officers) or the chair
 * or secretary on record. */
export const officerRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

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
      const { state } = await runtime.commands.load(cooperativeStream(cooperativeId), cooperativeDecider);
      if (state.status !== 'Founded') throw notFound(`No cooperative ${cooperativeId}`);
      return { officers: [...state.officers] };
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
      const { memberId, office } = request.body;
      const { state: member } = await runtime.commands.load(memberStream(memberId), memberDecider);
      const inCooperative = member.status !== 'Unregistered' && member.cooperativeId === cooperativeId;
      const now = runtime.clock();
      const result = await runtime.commands.handle(
        cooperativeStream(cooperativeId),
        cooperativeDecider,
        { type: 'AppointOfficer', memberId, office, appointee: inCooperative ? member.status : 'Unregistered', now },
        commandContextOf(request, cooperativeId, now),
      );
      return { id: memberId, position: result.position };
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
      const now = runtime.clock();
      const result = await runtime.commands.handle(
        cooperativeStream(cooperativeId),
        cooperativeDecider,
        { type: 'DismissOfficer', memberId, office: request.body.office, now },
        commandContextOf(request, cooperativeId, now),
      );
      return { id: memberId, position: result.position };
    },
  );
};
