// Participatory budgeting over HTTP: a round the assembly opened takes proposals, officers review them, members (and
// registered residents) vote with approval ballots, the secretary closes voting and the Method of Equal Shares
// decides; the result, its explanation and the round as a pabulib file for anyone to recount.
import { amountCentsSchema, type KeyStore, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  HttpProblem,
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
import { applicantOfSubmission } from './application/initiative.js';
import { applicantInput, classification } from './initiative.routes.js';
import {
  castMemberBallot,
  castResidentBallot,
  closeVoting,
  commandRound,
  exportRound,
  openVoting,
  registerResident,
  submitProposal,
} from './application/pb-round.js';
import { recountPb, sandboxOutcomeSchema } from './application/pb-sandbox.js';
import { trancheSchema } from './domain/initiative.events.js';
import { PbFormatError } from './domain/pabulib.js';
import { PbRoundDecided } from './domain/pb-round.events.js';
import { pbProposalSchema, pbRoundSummarySchema, pbRoundsProjection, roundDetail, roundsOf } from './projections/pb-rounds.projection.js';

const TAGS = ['participatory-budgeting'];
const roundParams = cooperativeParams.extend({ roundId: reference('pb_round') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);
const text = (max: number) => z.string().trim().min(1).max(max);
const approvalsSchema = z.array(reference('initiative')).min(1).max(100);

export const resultSchema = PbRoundDecided.schema
  .omit({ roundId: true, cooperativeId: true, budgetId: true, lineCode: true })
  .meta({ id: 'ParticipatoryBudgetResult', description: "The round's result as the Method of Equal Shares decided it, with the explanation" });

/** A round's phases: proposals, review, voting by members and residents, closing. */
export function pbRoundCommandRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const transition = <Body extends z.ZodType>(
      path: string,
      summary: string,
      body: Body | null,
      handle: (request: { params: z.infer<typeof roundParams>; body: z.infer<Body> }, origin: ReturnType<typeof commandOriginOf>) => Promise<{ id: string; position: number }>,
    ) =>
      app.post(
        `/cooperatives/:cooperativeId/pb-rounds/:roundId/${path}`,
        { schema: { tags: TAGS, summary, security: BEARER_SECURITY, params: roundParams, ...(body ? { body } : {}), response: accepted } },
        async (request) => {
          const params = request.params as z.infer<typeof roundParams>;
          return handle({ params, body: request.body as z.infer<Body> }, commandOriginOf(request, params.cooperativeId));
        },
      );

    app.post(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/proposals',
      {
        schema: {
          tags: TAGS,
          summary: "Propose an initiative for the round, on its line, while it takes proposals (a member for themselves; the secretary for anyone)",
          security: BEARER_SECURITY,
          params: roundParams,
          body: z.strictObject({
            title: text(200),
            description: text(10_000),
            requestedCents: amountCentsSchema,
            tranches: z.array(trancheSchema).min(1).max(24),
            ...classification,
            applicant: applicantInput.optional(),
          }),
          response: created,
        },
      },
      async (request, reply) => {
        const { cooperativeId, roundId } = request.params;
        const caller = callerOf(request);
        const { applicant: named, ...proposal } = request.body;
        const accepted = await submitProposal(runtime, commandOriginOf(request, cooperativeId), caller, roundId, applicantOfSubmission(caller, named), proposal);
        return reply.code(201).send(accepted);
      },
    );

    transition('proposals/closing', 'Close the round to proposals: review begins (secretary or chair)', null, async ({ params }, origin) =>
      commandRound(runtime, origin, params.roundId, () => ({ type: 'CloseProposals', closedBy: origin.actor.id })),
    );

    app.post(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/proposals/:proposalId/review',
      {
        schema: {
          tags: TAGS,
          summary: 'Mark a proposal eligible for the ballot or not, with the reason on record (an officer who did not propose it)',
          security: BEARER_SECURITY,
          params: roundParams.extend({ proposalId: reference('initiative') }),
          body: z.strictObject({ eligible: z.boolean(), reason: text(5000) }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, roundId, proposalId } = request.params;
        const caller = callerOf(request);
        return commandRound(runtime, commandOriginOf(request, cooperativeId), roundId, () => ({ type: 'ReviewProposal', proposalId, reviewedBy: caller.subject, ...request.body }));
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/residents',
      {
        schema: {
          tags: TAGS,
          summary: 'Register a resident who is not a member to vote in this round: answers their voting code, shown this once (secretary)',
          security: BEARER_SECURITY,
          params: roundParams,
          response: { 201: commandAcceptedSchema.extend({ residentId: z.uuid(), votingCode: z.string() }), ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const { cooperativeId, roundId } = request.params;
        const { residentId, votingCode, position } = await registerResident(runtime, commandOriginOf(request, cooperativeId), callerOf(request), roundId);
        return reply.code(201).send({ id: roundId, position, residentId, votingCode });
      },
    );

    transition(
      'voting/opening',
      'Open voting until a moment: the roll is the members with a vote now, its record date (secretary or chair)',
      z.strictObject({ closesAt: z.iso.datetime({ offset: true }) }),
      ({ params, body }, origin) => openVoting(runtime, keys, origin, params.roundId, new Date(body.closesAt)),
    );

    transition('voting/closing', 'Close voting at the end of its window: the lot is drawn and the Method of Equal Shares decides (secretary or chair)', null, ({ params }, origin) =>
      closeVoting(runtime, keys, origin, params.roundId),
    );
  };
}

/** Ballots: a member's, and a registered resident's with their voting code and no token. */
export function pbBallotRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/ballots',
      {
        schema: {
          tags: TAGS,
          summary: 'Cast or change your approval ballot until voting closes (a member on the roll)',
          security: BEARER_SECURITY,
          params: roundParams,
          body: z.strictObject({ approvals: approvalsSchema }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, roundId } = request.params;
        return castMemberBallot(runtime, keys, commandOriginOf(request, cooperativeId), callerOf(request), roundId, request.body.approvals);
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/resident-ballots',
      {
        config: { rateLimit: { max: 20, timeWindow: 15 * 60_000 } },
        schema: {
          tags: TAGS,
          summary: 'Cast or change a resident’s approval ballot with the voting code the secretary handed out (no token)',
          params: z.object({ cooperativeId: z.uuid(), roundId: z.uuid() }),
          body: z.strictObject({ votingCode: z.string().trim().min(16).max(40), approvals: z.array(z.uuid()).min(1).max(100) }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, roundId } = request.params;
        const origin = { cooperativeId, actor: { id: 'resident', roles: [] }, correlationId: request.id, causationId: null };
        return castResidentBallot(runtime, origin, roundId, request.body.votingCode, request.body.approvals);
      },
    );
  };
}

/** Rounds and results as members read them, the round as a pabulib file, and the sandbox that recounts any file. */
export function pbRoundReadRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/cooperatives/:cooperativeId/pb-rounds',
      {
        schema: {
          tags: TAGS,
          summary: "The cooperative's participatory budgeting rounds, newest first (any member)",
          security: BEARER_SECURITY,
          params: cooperativeParams,
          querystring: minPositionQuery,
          response: { 200: z.object({ rounds: z.array(pbRoundSummarySchema) }), ...readProblems },
        },
      },
      async (request) => {
        await readAfter(runtime, pbRoundsProjection, request.query.minPosition);
        return { rounds: await runtime.projections.query(pbRoundsProjection, (reader, tables) => roundsOf(reader, tables, request.params.cooperativeId)) };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId',
      {
        schema: {
          tags: TAGS,
          summary: 'A round: its phase, money, proposals with their review, turnout, and once decided its result (any member)',
          security: BEARER_SECURITY,
          params: roundParams,
          querystring: minPositionQuery,
          response: { 200: pbRoundSummarySchema.extend({ proposals: z.array(pbProposalSchema), result: resultSchema.nullable() }), ...readProblems },
        },
      },
      async (request) => {
        const { cooperativeId, roundId } = request.params;
        await readAfter(runtime, pbRoundsProjection, request.query.minPosition);
        const detail = await runtime.projections.query(pbRoundsProjection, (reader, tables) => roundDetail(reader, tables, cooperativeId, roundId));
        if (!detail) throw notFound(`No participatory budgeting round ${roundId}`);
        return { ...detail.round, proposals: detail.proposals, result: detail.result === null ? null : resultSchema.parse(detail.result) };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/pb-rounds/:roundId/export.pb',
      {
        schema: {
          tags: TAGS,
          summary: 'The decided round as a pabulib .pb file: proposals, costs, every ballot under a keyed pseudonym, the selection (any member)',
          security: BEARER_SECURITY,
          params: roundParams,
          querystring: minPositionQuery,
          produces: ['text/plain'],
          response: { 200: z.string().describe('A pabulib file (META, PROJECTS, VOTES)'), ...problemResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const { cooperativeId, roundId } = request.params;
        const file = await exportRound(runtime, keys, cooperativeId, roundId, request.query.minPosition);
        return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="meent-${roundId}.pb"`).send(file);
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/pb-sandbox',
      {
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags: TAGS,
          summary: 'Recount a pabulib .pb file with the Method of Equal Shares, beside greedy and its published selection; records nothing (any member)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          body: z.strictObject({
            pb: z.string().min(1).max(16 * 1024 * 1024).describe('The text of an approval .pb file'),
            completion: z.enum(['add1', 'add1u']).optional().describe("Default: the file's rule when it names one, else add1"),
          }),
          response: { 200: sandboxOutcomeSchema, ...problemResponses(400, 401, 403, 404, 413, 422) },
        },
      },
      async (request) => {
        try {
          return recountPb(request.body.pb, request.body.completion);
        } catch (error) {
          if (!(error instanceof PbFormatError)) throw error;
          throw new HttpProblem(422, 'PB.UNREADABLE_FILE', error.message, { errors: [{ in: 'body', field: `pb.${error.field}`, message: error.message }] });
        }
      },
    );
  };
}
