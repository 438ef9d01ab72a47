import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
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
import { MotionCommands } from './application/motion.js';
import { choiceSchema } from './domain/motion.events.js';
import { motionView, motionViewSchema, motionsProjection, turnoutEntrySchema, turnoutOf } from './projections/motions.projection.js';

const motionParams = cooperativeParams.extend({ motionId: reference('motion') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);

/** Opening and closing the vote, a challenge of the result (secretary or chair); voting (a voter on the roll). */
export function motionCommandRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const motions = new MotionCommands(runtime, keys);

    app.post(
      '/cooperatives/:cooperativeId/motions/:motionId/opening',
      {
        schema: {
          tags: ['voting'],
          summary: 'Open voting: online from 30 days before the meeting where the rules allow it (secretary or chair)',
          security: BEARER_SECURITY,
          params: motionParams,
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, motionId } = request.params;
        return motions.open(commandOriginOf(request, cooperativeId), motionId);
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/motions/:motionId/votes',
      {
        schema: {
          tags: ['voting'],
          summary: 'Vote for, against or abstain — your own vote, or with `onBehalfOf` the vote whose proxy you hold',
          description: 'A vote may be changed until voting closes; the last one counts. A proxy is used once.',
          security: BEARER_SECURITY,
          params: motionParams,
          body: z.strictObject({ choice: choiceSchema, onBehalfOf: reference('member').optional() }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, motionId } = request.params;
        const castBy = callerOf(request).subject;
        const { onBehalfOf, choice } = request.body;
        return motions.castVote(commandOriginOf(request, cooperativeId), motionId, onBehalfOf ?? castBy, castBy, choice);
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/motions/:motionId/closing',
      {
        schema: {
          tags: ['voting'],
          summary: 'Close voting at the meeting and record the decision (secretary or chair)',
          security: BEARER_SECURITY,
          params: motionParams,
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, motionId } = request.params;
        return motions.close(commandOriginOf(request, cooperativeId), motionId);
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/motions/:motionId/challenge',
      {
        schema: {
          tags: ['voting'],
          summary: 'Record the meeting’s request for a new vote on the announced result, which it cancels (secretary or chair)',
          description:
            'BW 2:13: at once, at the meeting, when voters present holding more than half of the votes there ask for it; the new round’s decision cancels the legal effects of the first.',
          security: BEARER_SECURITY,
          params: motionParams,
          body: z.strictObject({
            reason: z.string().trim().min(1).max(1000),
            /** The voters at the meeting who ask for a new vote. */
            requestedBy: z.array(reference('member')).min(1).max(10_000),
          }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, motionId } = request.params;
        return motions.challenge(commandOriginOf(request, cooperativeId), motionId, { challengedBy: callerOf(request).subject, ...request.body });
      },
    );
  };
}

/** A motion's rule, status and result (any member); who voted (secretary or chair). */
export const motionReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/motions/:motionId',
    {
      schema: {
        tags: ['voting'],
        summary: 'A motion: its rule and status; the tally and result once voting closed (any member)',
        security: BEARER_SECURITY,
        params: motionParams,
        querystring: minPositionQuery,
        response: { 200: motionViewSchema, ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, motionId } = request.params;
      await readAfter(runtime, motionsProjection, request.query.minPosition);
      const view = await runtime.projections.query(motionsProjection, (reader, tables) =>
        motionView(reader, tables, cooperativeId, motionId),
      );
      if (!view) throw notFound(`No motion ${motionId}`);
      return view;
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/motions/:motionId/turnout',
    {
      schema: {
        tags: ['voting'],
        summary: 'Who voted in the current round, in person or by proxy (secretary or chair)',
        description: 'On a secret motion `choice` is always null: how a member voted is not recorded anywhere readable.',
        security: BEARER_SECURITY,
        params: motionParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ round: z.int(), voted: z.array(turnoutEntrySchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, motionId } = request.params;
      await readAfter(runtime, motionsProjection, request.query.minPosition);
      return runtime.projections.query(motionsProjection, async (reader, tables) => {
        const view = await motionView(reader, tables, cooperativeId, motionId);
        if (!view) throw notFound(`No motion ${motionId}`);
        return { round: view.round, voted: await turnoutOf(reader, tables, motionId, view.round) };
      });
    },
  );
};
