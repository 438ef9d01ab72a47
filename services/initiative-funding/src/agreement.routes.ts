// Multi-year funding agreements over HTTP: the board makes one for a granted initiative and reviews each following
// year — continued, adjusted or ended, with the reason on record; a continued year becomes a grant on that year's
// budget. Members read the agreements and their reviews.
import { amountCentsSchema, type ServiceRuntime } from '@meent/eventsourcing';
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
import { decidersWith, reviewContinuation } from './application/agreement.js';
import { agreementAggregate } from './domain/agreement.decider.js';
import { CONTINUATION_OUTCOMES } from './domain/agreement.events.js';
import { applicantMemberOf, initiativeAggregate } from './domain/initiative.decider.js';
import { trancheSchema } from './domain/initiative.events.js';
import { agreementSchema, agreementsOf, agreementsProjection } from './projections/agreements.projection.js';

const TAGS = ['initiative-funding'];
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const year = z.int().min(2000).max(2200);
const GRANTED = new Set(['Approved', 'AwaitingFunds', 'Funded', 'Completed']);

/** Making an agreement and reviewing its years: the board's. */
export const agreementRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/cooperatives/:cooperativeId/initiatives/:initiativeId/funding-agreement',
    {
      schema: {
        tags: TAGS,
        summary: 'Make a multi-year funding agreement for a granted initiative: its first and last year and the yearly amount (board)',
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ initiativeId: reference('initiative') }),
        body: z.strictObject({ firstYear: year, lastYear: year, yearlyCents: amountCentsSchema, alsoDecidedBy: z.array(reference('member')).max(20).default([]) }),
        response: created,
      },
    },
    async (request, reply) => {
      const { cooperativeId, initiativeId } = request.params;
      const initiative = await runtime.aggregate(initiativeAggregate).load(cooperativeId, initiativeId);
      const agreementId = runtime.newId();
      const { id, position } = await runtime.aggregate(agreementAggregate).append(commandOriginOf(request, cooperativeId), agreementId, (now) => ({
        type: 'MakeAgreement',
        agreementId,
        cooperativeId,
        initiativeId,
        initiativeGranted: GRANTED.has(initiative.status),
        applicantMemberId: applicantMemberOf(initiative.applicant),
        firstYear: request.body.firstYear,
        lastYear: request.body.lastYear,
        yearlyCents: request.body.yearlyCents,
        madeBy: decidersWith(callerOf(request).subject, request.body.alsoDecidedBy),
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/funding-agreements/:agreementId/reviews',
    {
      schema: {
        tags: TAGS,
        summary: "Review the next year: continue, adjust or end the agreement with the reason; a continued year names its budget line and tranches (board)",
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ agreementId: reference('funding_agreement') }),
        body: z.strictObject({
          year,
          outcome: z.enum(CONTINUATION_OUTCOMES),
          /** The year's new amount, for `adjusted`. */
          yearlyCents: amountCentsSchema.optional(),
          reason: z.string().trim().min(1).max(5000),
          /** For a continued or adjusted year: the year's budget, its line, and tranches adding up to the year's amount. */
          budgetId: reference('budget').optional(),
          lineCode: z.string().trim().min(1).max(32).optional(),
          tranches: z.array(trancheSchema).min(1).max(24).optional(),
          /** The year's themes, where the first year's grant had none. */
          themes: z.array(z.string().trim().min(1).max(32)).min(1).max(20).optional(),
          alsoDecidedBy: z.array(reference('member')).max(20).default([]),
        }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, agreementId } = request.params;
      return reviewContinuation(runtime, commandOriginOf(request, cooperativeId), callerOf(request).subject, agreementId, request.body);
    },
  );
};

/** Agreements and their reviews as members read them. */
export const agreementReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/funding-agreements',
    {
      schema: {
        tags: TAGS,
        summary: "The cooperative's multi-year funding agreements with each year's review (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ agreements: z.array(agreementSchema) }), ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      await readAfter(runtime, agreementsProjection, request.query.minPosition);
      return { agreements: await runtime.projections.query(agreementsProjection, (reader, tables) => agreementsOf(reader, tables, request.params.cooperativeId)) };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/funding-agreements/:agreementId',
    {
      schema: {
        tags: TAGS,
        summary: "A multi-year funding agreement with each year's review and the grant it made (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ agreementId: reference('funding_agreement') }),
        querystring: minPositionQuery,
        response: { 200: agreementSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { cooperativeId, agreementId } = request.params;
      await readAfter(runtime, agreementsProjection, request.query.minPosition);
      const [agreement] = await runtime.projections.query(agreementsProjection, (reader, tables) => agreementsOf(reader, tables, cooperativeId, agreementId));
      if (!agreement) throw notFound(`No funding agreement ${agreementId}`);
      return agreement;
    },
  );
};
