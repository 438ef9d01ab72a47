import type { ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
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
import { cooperativeRulesSchema } from './domain/cooperative-rules.js';
import { cooperativeAggregate } from './domain/cooperative.decider.js';
import { notarialDeedSchema } from './domain/cooperative.events.js';
import { AMENDMENT_STATUSES, cooperativesProjection, findCooperative } from './projections/cooperatives.projection.js';

const foundCooperativeBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  chamberOfCommerceNumber: z
    .string()
    .regex(/^\d{8}$/, 'a Chamber of Commerce (KvK) number has 8 digits')
    .optional(),
  rules: cooperativeRulesSchema.prefault({}),
});


const cooperativeSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The name ending with the members' liability, W.A., B.A. or U.A. (BW 2:56), as the cooperative must use it. */
    legalName: z.string(),
    chamberOfCommerceNumber: z.string().nullable(),
    rules: cooperativeRulesSchema,
    rulesVersion: z.int(),
    foundedAt: z.iso.datetime(),
    /**
     * Each statute amendment the assembly passed: awaiting its notarial deed, in force from the deed (BW 2:43 lid 5), or
     * undone by a new vote (BW 2:13 lid 4); with its filing at the trade register once recorded.
     */
    /** Dissolved by the assembly and being wound up by its liquidators — the board at the decision (BW 2:19, 2:23). */
    liquidation: z.object({ motionId: z.uuid(), dissolvedAt: z.iso.datetime(), liquidators: z.array(z.uuid()) }).nullable(),
    statuteAmendments: z.array(
      z.object({
        motionId: z.uuid(),
        status: z.enum(AMENDMENT_STATUSES),
        adoptedAt: z.iso.datetime(),
        deed: notarialDeedSchema.nullable(),
        filedOn: z.iso.date().nullable(),
      }),
    ),
  })
  .meta({ id: 'Cooperative' });

const amendmentParams = cooperativeParams.extend({ motionId: reference('motion') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };


export const cooperativeRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/cooperatives',
    {
      schema: {
        tags: ['membership'],
        summary: 'Found a cooperative with its rules (admin)',
        security: BEARER_SECURITY,
        body: foundCooperativeBody,
        response: { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const cooperativeId = runtime.newId();
      const result = await runtime.aggregate(cooperativeAggregate).append(commandOriginOf(request, cooperativeId), cooperativeId, (now) => ({
        type: 'FoundCooperative',
        cooperativeId,
        name: request.body.name,
        chamberOfCommerceNumber: request.body.chamberOfCommerceNumber ?? null,
        rules: request.body.rules,
        now,
      }));
      return reply
        .code(201)
        .header('location', `/cooperatives/${cooperativeId}`)
        .send({ id: cooperativeId, position: result.position });
    },
  );

  app.get(
    '/cooperatives/:cooperativeId',
    {
      schema: {
        tags: ['membership'],
        summary: 'A cooperative and the rules in force (its members, or an admin)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: cooperativeSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      await readAfter(runtime, cooperativesProjection, request.query.minPosition);
      const cooperative = await runtime.projections.query(cooperativesProjection, (reader, tables) =>
        findCooperative(reader, tables, cooperativeId),
      );
      if (!cooperative) throw notFound(`No cooperative ${cooperativeId}`);
      return cooperative;
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/statute-amendments/:motionId/deed',
    {
      schema: {
        tags: ['membership'],
        summary: "Record the notarial deed of a passed statute amendment, which puts its rules in force (BW 2:43 lid 5) (secretary)",
        security: BEARER_SECURITY,
        params: amendmentParams,
        body: z.strictObject({ executedOn: z.iso.date(), notary: z.string().trim().min(1).max(200) }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, motionId } = request.params;
      const { position } = await runtime
        .aggregate(cooperativeAggregate)
        .handle(commandOriginOf(request, cooperativeId), cooperativeId, (_cooperative, now) => ({ type: 'RecordNotarialDeed', motionId, ...request.body, now }));
      return { id: motionId, position };
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/statute-amendments/:motionId/filing',
    {
      schema: {
        tags: ['membership'],
        summary: 'Record that the amended statutes were filed with the trade register (secretary)',
        security: BEARER_SECURITY,
        params: amendmentParams,
        body: z.strictObject({ filedOn: z.iso.date() }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, motionId } = request.params;
      const { position } = await runtime
        .aggregate(cooperativeAggregate)
        .handle(commandOriginOf(request, cooperativeId), cooperativeId, (_cooperative, now) => ({ type: 'RecordTradeRegisterFiling', motionId, ...request.body, now }));
      return { id: motionId, position };
    },
  );
};
