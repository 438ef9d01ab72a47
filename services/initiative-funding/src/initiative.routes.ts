import { MAX_AMOUNT_CENTS, amountCentsSchema, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  cursorCodec,
  minPositionQuery,
  nextCursorSchema,
  notFound,
  pointInTime,
  pointInTimeQuery,
  problemResponses,
  readAfter,
  reference,
  type Caller,
} from '@meent/http';
import { copiedRulesOf } from '@meent/membership/events';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applicantOfSubmission,
  applicantSide,
  cooperativeThemes,
  asTheTableSays,
  commandInitiative,
  type InitiativeActor,
  type InitiativeCommandBody,
} from './application/initiative.js';
import { initiativeAggregate } from './domain/initiative.decider.js';
import { INITIATIVE_KINDS, applicantSchema, participationSchema, trancheSchema } from './domain/initiative.events.js';
import {
  INITIATIVE_STATUSES,
  historyEntrySchema,
  initiativeDetail,
  initiativeSummarySchema,
  initiativesOf,
  initiativesProjection,
} from './projections/initiatives.projection.js';

/** The applicant as a request names them: a member of this cooperative, or someone from outside it. */
export const applicantInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('member'), memberId: reference('member') }),
  ...applicantSchema.options.filter((option) => option.shape.kind.value === 'outside'),
]);

const initiativeParams = cooperativeParams.extend({ initiativeId: reference('initiative') });
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);
const text = (max: number) => z.string().trim().min(1).max(max);
const cents = amountCentsSchema;

/** A progress report's figures as a request states them. */
export const resultsInput = z.strictObject({
  year: z.int().min(2000).max(2200),
  actuals: z.array(z.strictObject({ indicatorId: z.uuid(), value: z.int().min(0).max(1_000_000_000) })).max(50).default([]),
  participation: participationSchema.prefault({}),
  /** A social enterprise's own income in the year so far, in cents. */
  ownIncomeCents: z.int().nonnegative().max(MAX_AMOUNT_CENTS).nullable().default(null),
});

/** What an initiative works on and what it is, as a submission states it. */
export const classification = {
  /** Codes of the cooperative's themes (`rules.themes`): by default `leren`, `werken`, `meedoen`. */
  themes: z.array(z.string().trim().min(1).max(32)).min(1).max(20),
  kind: z.enum(INITIATIVE_KINDS).default('community-initiative'),
};

/** Declares a route that decides one command on the path's initiative. */
export function initiativeTransition(app: FastifyInstance, runtime: ServiceRuntime) {
  return <Body extends z.ZodType>(
    path: string,
    summary: string,
    body: Body | null,
    actor: InitiativeActor,
    command: (body: z.infer<Body>, caller: Caller, params: { cooperativeId: string; trancheNumber?: number }) => InitiativeCommandBody | Promise<InitiativeCommandBody>,
    params: z.ZodObject = initiativeParams,
  ) =>
    app.post(
      `/cooperatives/:cooperativeId/initiatives/:initiativeId/${path}`,
      {
        schema: {
          tags: ['initiative-funding'],
          summary,
          security: BEARER_SECURITY,
          params,
          ...(body ? { body } : {}),
          response: accepted,
        },
      },
      async (request) => {
        const routeParams = request.params as { cooperativeId: string; initiativeId: string; trancheNumber?: number };
        const caller = callerOf(request);
        return commandInitiative(runtime, commandOriginOf(request, routeParams.cooperativeId), caller, routeParams.initiativeId, actor, () =>
          command(request.body as z.infer<Body>, caller, routeParams),
        );
      },
    );
}

/** Initiatives: submitted by members (or by the secretary for outside applicants), reviewed and decided by the board
 * within its mandate or by the assembly above it, or rejected for lack of funds. */
export const initiativeDecisionRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const post = initiativeTransition(app, runtime);

  app.post(
    '/cooperatives/:cooperativeId/initiatives',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'Submit an initiative: a member for themselves, or the secretary for an outside applicant',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({
          title: text(200),
          description: text(10_000),
          requestedCents: cents,
          budgetId: reference('budget'),
          lineCode: text(32),
          tranches: z.array(trancheSchema).min(1).max(24),
          ...classification,
          /** Only for an outside applicant, submitted by the secretary. */
          applicant: applicantInput.optional(),
        }),
        response: created,
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const caller = callerOf(request);
      const { applicant: named, ...initiative } = request.body;
      const applicant = applicantOfSubmission(caller, named);
      const initiativeId = runtime.newId();
      const themes = await cooperativeThemes(runtime, cooperativeId);
      const { id, position } = await runtime.aggregate(initiativeAggregate).append(commandOriginOf(request, cooperativeId), initiativeId, (now) => ({
        type: 'SubmitInitiative',
        initiativeId,
        cooperativeId,
        applicant,
        submittedBy: caller.subject,
        ...initiative,
        cooperativeThemes: themes,
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  post(
    'review',
    'Review an initiative with advice (an officer who is not the applicant)',
    z.strictObject({ advice: z.enum(['grant', 'grant-in-part', 'reject']), notes: text(5000) }),
    asTheTableSays,
    (body, caller) => ({ type: 'ReviewInitiative', reviewedBy: caller.subject, ...body }),
  );
  post(
    'decision',
    "Decide within the board's mandate (chair or board member; the applicant is recused)",
    z.strictObject({ approve: z.boolean(), reason: text(5000), alsoDecidedBy: z.array(reference('member')).max(20).default([]) }),
    asTheTableSays,
    async (body, caller, params) => {
      const rules = await runtime.projections.query(initiativesProjection, (reader, tables) => copiedRulesOf(reader, tables, params.cooperativeId));
      return {
        type: 'DecideByBoard',
        approve: body.approve,
        reason: body.reason,
        deciders: [caller.subject, ...body.alsoDecidedBy.filter((member) => member !== caller.subject)],
        boardMandateCents: rules?.boardMandateCents ?? 0,
      };
    },
  );
  post('reservation-retry', 'Ask the budget again for an initiative waiting for funds (board)', null, asTheTableSays, () => ({ type: 'RetryReservation' }));
  post('rejection-for-lack-of-funds', 'Reject an initiative waiting for funds rather than let it wait (board)', null, asTheTableSays, (_, caller) => ({
    type: 'RejectForLackOfFunds',
    deciders: [caller.subject],
  }));
  post(
    'repayment-claim',
    'Claim back money paid for work not done (board or treasurer)',
    z.strictObject({ amountCents: cents, reason: text(5000) }),
    asTheTableSays,
    (body, caller) => ({ type: 'ClaimRepayment', amountCents: body.amountCents, reason: body.reason, claimedBy: caller.subject }),
  );
};

/** Once granted: tranches requested by the applicant's side and approved by two officers, completion, withdrawal. */
export const initiativeProgressRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const post = initiativeTransition(plain.withTypeProvider<ZodTypeProvider>(), runtime);

  post(
    'tranches',
    'Report progress and request the next planned tranche (the applicant; the secretary for an outside applicant)',
    z.strictObject({
      progressReport: text(10_000),
      spentSoFarCents: z.int().nonnegative().max(MAX_AMOUNT_CENTS),
      /** The year's figures the report brings: indicators' actual values and participation. */
      results: resultsInput.optional(),
    }),
    applicantSide,
    (body, caller) => ({
      type: 'RequestTranche',
      progressReport: body.progressReport,
      spentSoFarCents: body.spentSoFarCents,
      results: body.results ? { ...body.results, reportId: runtime.newId(), reportedBy: caller.subject } : null,
    }),
  );
  post(
    'tranches/:trancheNumber/approval',
    'Approve a requested tranche: the second approval releases it for payment (officers, two different ones)',
    null,
    asTheTableSays,
    (_, caller, params) => ({ type: 'ApproveTranche', trancheNumber: params.trancheNumber ?? 0, approvedBy: caller.subject }),
    initiativeParams.extend({ trancheNumber: z.coerce.number().int().positive() }),
  );
  post(
    'completion',
    'Complete the initiative with a final report; what was not paid out returns to the line (the applicant side)',
    z.strictObject({ finalReport: text(20_000) }),
    applicantSide,
    (body) => ({ type: 'CompleteInitiative', finalReport: body.finalReport }),
  );
  post(
    'withdrawal',
    'Withdraw the initiative; its reservation returns to the line (the applicant side)',
    z.strictObject({ reason: text(5000) }),
    applicantSide,
    (body) => ({ type: 'WithdrawInitiative', reason: body.reason }),
  );
};

/** Initiatives as every member reads them, now or as they stood; the board's pipeline for the officers. */
/** A page's cursor: its last initiative's place in the list (submitted, id). */
const initiativeCursor = cursorCodec(z.tuple([z.string().max(40), z.uuid()]), 'this list of initiatives');

export const initiativeReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/initiatives',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'Initiatives by status, applicant and theme, now or as they stood at a date or position (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: pointInTimeQuery.extend({
          status: z.enum(INITIATIVE_STATUSES).optional(),
          applicant: reference('member').optional(),
          theme: z.string().trim().min(1).max(32).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: initiativeCursor.query,
        }),
        response: { 200: z.object({ initiatives: z.array(initiativeSummarySchema), nextCursor: nextCursorSchema }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      const { minPosition, status, applicant, theme, asOf, asOfPosition, limit, after } = request.query;
      const start = after === undefined ? undefined : initiativeCursor.decode(after);
      await readAfter(runtime, initiativesProjection, minPosition, asOfPosition);
      // One row more than the page: whether there is a next page is known without asking for an empty one.
      const found = await runtime.projections.query(initiativesProjection, (reader, tables) =>
        initiativesOf(reader, tables, {
          cooperativeId,
          ...pointInTime({ asOf, asOfPosition }),
          ...(status ? { statuses: [status] } : {}),
          ...(applicant ? { applicantMemberId: applicant } : {}),
          ...(theme ? { theme } : {}),
          limit: limit + 1,
          ...(start ? { after: start } : {}),
        }),
      );
      const initiatives = found.slice(0, limit);
      const last = initiatives.at(-1);
      return { initiatives, nextCursor: last && found.length > limit ? initiativeCursor.encode([last.submittedAt, last.id]) : null };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/initiatives/pipeline',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: "The board's funding pipeline: initiatives awaiting a decision or their money (officers)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ initiatives: z.array(initiativeSummarySchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      await readAfter(runtime, initiativesProjection, request.query.minPosition);
      const initiatives = await runtime.projections.query(initiativesProjection, (reader, tables) =>
        initiativesOf(reader, tables, { cooperativeId, statuses: ['submitted', 'approved', 'awaiting-funds'] }),
      );
      return { initiatives };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/initiatives/:initiativeId',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'An initiative: its status, money flow and history, now or as it stood at a date or position (any member)',
        security: BEARER_SECURITY,
        params: initiativeParams,
        querystring: pointInTimeQuery,
        response: { 200: initiativeSummarySchema.extend({ history: z.array(historyEntrySchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, initiativeId } = request.params;
      const { minPosition, asOf, asOfPosition } = request.query;
      await readAfter(runtime, initiativesProjection, minPosition, asOfPosition);
      const detail = await runtime.projections.query(initiativesProjection, (reader, tables) =>
        initiativeDetail(reader, tables, cooperativeId, initiativeId, pointInTime({ asOf, asOfPosition })),
      );
      if (!detail) throw notFound(`No initiative ${initiativeId}`);
      return detail;
    },
  );
};
