import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
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
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MotionCommands } from './application/motion-commands.js';
import { openBallotBox } from './application/secret-ballot.js';
import { motionDecider, motionStream } from './domain/motion.decider.js';
import { choiceSchema } from './domain/motion.events.js';
import { motionView, motionViewSchema, motionsProjection, turnoutEntrySchema, turnoutOf } from './projections/motions.projection.js';

const motionParams = cooperativeParams.extend({ motionId: reference('motion') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);

/** Opening and closing the vote (secretary or chair), voting (a voter on the roll), the result and the turnout. */
export function motionRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
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
        const motion = await motions.motion(cooperativeId, motionId);
        const assembly = await motions.assembly(cooperativeId, motion.assemblyId);
        if (motion.ballot === 'secret') await openBallotBox(keys, motionId, 1);
        const now = runtime.clock();
        const result = await runtime.commands.handle(
          motionStream(motionId),
          motionDecider,
          { type: 'OpenVoting', assembly, now },
          commandContextOf(request, cooperativeId, now),
        );
        return { id: motionId, position: result.position };
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
        const motion = await motions.motion(cooperativeId, motionId);
        const now = runtime.clock();
        const position = await motions.castVote(
          motion,
          request.body.onBehalfOf ?? castBy,
          castBy,
          request.body.choice,
          commandContextOf(request, cooperativeId, now),
        );
        return { id: motionId, position };
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
        const motion = await motions.motion(cooperativeId, motionId, 'fresh');
        const position = await motions.closeVoting(motion, 'closed-by-chair', commandContextOf(request, cooperativeId, runtime.clock()));
        return { id: motionId, position };
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/motions/:motionId/challenge',
      {
        schema: {
          tags: ['voting'],
          summary: "Challenge the announced result at once: a new vote is held and cancels it (a voter on the roll)",
          security: BEARER_SECURITY,
          params: motionParams,
          body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, motionId } = request.params;
        const challengedBy = callerOf(request).subject;
        const motion = await motions.motion(cooperativeId, motionId, 'fresh');
        const assembly = await motions.assembly(cooperativeId, motion.assemblyId);
        if (motion.ballot === 'secret') await openBallotBox(keys, motionId, motion.round + 1);
        const now = runtime.clock();
        const result = await runtime.commands.handle(
          motionStream(motionId),
          motionDecider,
          { type: 'ChallengeResult', challengedBy, reason: request.body.reason, assembly, now },
          commandContextOf(request, cooperativeId, now),
        );
        return { id: motionId, position: result.position };
      },
    );

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
}
