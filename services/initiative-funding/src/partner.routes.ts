// Partners over HTTP: the organisations a cooperative works with, their partnerships with initiatives, and each
// contribution booked as it is made.
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
import { initiativeAggregate } from './domain/initiative.decider.js';
import { partnerAggregate } from './domain/partner.decider.js';
import { CONTRIBUTION_KINDS, PARTNER_KINDS, partnerOfferSchema } from './domain/partner.events.js';
import { partnershipAggregate, type PartnershipCommand } from './domain/partnership.decider.js';
import { partnerSchema, partnershipSchema, partnersOf, partnersProjection, partnershipsBy } from './projections/partners.projection.js';

const TAGS = ['initiative-funding'];
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);
const text = (max: number) => z.string().trim().min(1).max(max);
const partnershipParams = cooperativeParams.extend({ partnershipId: reference('partnership') });

/** Initiatives that no longer run take no new partnership. */
const ENDED = new Set(['Rejected', 'Withdrawn', 'Completed']);

/** Registering partners, agreeing partnerships, booking contributions, ending partnerships. */
export const partnerCommandRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/cooperatives/:cooperativeId/partners',
    {
      schema: {
        tags: TAGS,
        summary: 'Register an organisation the cooperative works with: a college, health service, municipality, … (officers)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({ name: text(200), kind: z.enum(PARTNER_KINDS) }),
        response: created,
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const partnerId = runtime.newId();
      const { id, position } = await runtime.aggregate(partnerAggregate).append(commandOriginOf(request, cooperativeId), partnerId, (now) => ({
        type: 'RegisterPartner',
        partnerId,
        cooperativeId,
        ...request.body,
        registeredBy: callerOf(request).subject,
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/initiatives/:initiativeId/partnerships',
    {
      schema: {
        tags: TAGS,
        summary: 'Agree a partnership of a partner with an initiative: what it brings, from and until (officers)',
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ initiativeId: reference('initiative') }),
        body: z.strictObject({ partnerId: reference('partner'), offer: partnerOfferSchema, from: z.iso.date(), until: z.iso.date().nullable().default(null) }),
        response: created,
      },
    },
    async (request, reply) => {
      const { cooperativeId, initiativeId } = request.params;
      const initiative = await runtime.aggregate(initiativeAggregate).load(cooperativeId, initiativeId);
      const partnershipId = runtime.newId();
      const { id, position } = await runtime.aggregate(partnershipAggregate).append(commandOriginOf(request, cooperativeId), partnershipId, (now) => ({
        type: 'AgreePartnership',
        partnershipId,
        cooperativeId,
        initiativeId,
        initiativeRuns: !ENDED.has(initiative.status),
        ...request.body,
        agreedBy: callerOf(request).subject,
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  const transition = <Body extends z.ZodType>(path: string, summary: string, body: Body, command: (body: z.infer<Body>, by: string) => Omit<PartnershipCommand, 'now'>) =>
    app.post(
      `/cooperatives/:cooperativeId/partnerships/:partnershipId/${path}`,
      { schema: { tags: TAGS, summary, security: BEARER_SECURITY, params: partnershipParams, body, response: accepted } },
      async (request) => {
        const { cooperativeId, partnershipId } = request.params as z.infer<typeof partnershipParams>;
        const by = callerOf(request).subject;
        const { id, position } = await runtime
          .aggregate(partnershipAggregate)
          .handle(commandOriginOf(request, cooperativeId), partnershipId, (_, now) => ({ ...command(request.body as z.infer<Body>, by), now }) as PartnershipCommand);
        return { id, position };
      },
    );

  transition(
    'contributions',
    'Book a contribution as it was made: hours, co-funding in cents, or an occasion of expertise or space (officers)',
    z.strictObject({
      kind: z.enum(CONTRIBUTION_KINDS),
      /** Hours for `hours`, cents for `co-funding`; left out for expertise and space. */
      quantity: z.int().positive().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
      description: text(1000),
      on: z.iso.date(),
    }),
    (body, by) => ({ type: 'BookContribution', contributionId: runtime.newId(), ...body, bookedBy: by }),
  );
  transition('ending', 'End a partnership on its last day, with the reason on record (officers)', z.strictObject({ lastDay: z.iso.date(), reason: text(1000) }), (body, by) => ({
    type: 'EndPartnership',
    ...body,
    endedBy: by,
  }));
};

/** Partners and partnerships as members read them. */
export const partnerReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/partners',
    {
      schema: {
        tags: TAGS,
        summary: "The cooperative's partners, each with what it has contributed (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ partners: z.array(partnerSchema) }), ...readProblems },
      },
    },
    async (request) => {
      await readAfter(runtime, partnersProjection, request.query.minPosition);
      return { partners: await runtime.projections.query(partnersProjection, (reader, tables) => partnersOf(reader, tables, request.params.cooperativeId)) };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/partners/:partnerId',
    {
      schema: {
        tags: TAGS,
        summary: 'A partner with its partnerships and every contribution (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ partnerId: reference('partner') }),
        querystring: minPositionQuery,
        response: { 200: partnerSchema.extend({ partnerships: z.array(partnershipSchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, partnerId } = request.params;
      await readAfter(runtime, partnersProjection, request.query.minPosition);
      const { partner, partnerships } = await runtime.projections.query(partnersProjection, async (reader, tables) => ({
        partner: (await partnersOf(reader, tables, cooperativeId)).find((candidate) => candidate.id === partnerId),
        partnerships: await partnershipsBy(reader, tables, cooperativeId, 'partner_id', partnerId),
      }));
      if (!partner) throw notFound(`No partner ${partnerId}`);
      return { ...partner, partnerships };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/initiatives/:initiativeId/partnerships',
    {
      schema: {
        tags: TAGS,
        summary: "An initiative's partnerships: who brings what, and what they contributed (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ initiativeId: reference('initiative') }),
        querystring: minPositionQuery,
        response: { 200: z.object({ partnerships: z.array(partnershipSchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, initiativeId } = request.params;
      await readAfter(runtime, partnersProjection, request.query.minPosition);
      return { partnerships: await runtime.projections.query(partnersProjection, (reader, tables) => partnershipsBy(reader, tables, cooperativeId, 'initiative_id', initiativeId)) };
    },
  );
};
