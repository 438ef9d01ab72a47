// What initiatives achieve, over HTTP: indicators with a baseline and targets per year under one of the initiative's
// themes, progress reports with the year's actual values and participation counts, the results read back, and the
// cooperative's durability figures.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { BEARER_SECURITY, cooperativeParams, minPositionQuery, notFound, problemResponses, readAfter, reference } from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicantSide } from './application/initiative.js';
import { initiativeTransition, resultsInput } from './initiative.routes.js';
import { durabilitySchema } from './domain/durability.js';
import { durabilityOf, durabilityProjection } from './projections/durability.projection.js';
import { initiativeDetail, initiativeResultsSchema, initiativesProjection, resultsOf } from './projections/initiatives.projection.js';

const figure = z.int().min(0).max(1_000_000_000);
const year = z.int().min(2000).max(2200);

export const initiativeResultsRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const post = initiativeTransition(app, runtime);

  post(
    'indicators',
    "Define an indicator: name, unit, one of the initiative's themes, a baseline and targets per year (the applicant side)",
    z.strictObject({
      name: z.string().trim().min(1).max(200),
      unit: z.string().trim().min(1).max(40),
      theme: z.string().trim().min(1).max(32),
      baseline: z.strictObject({ year, value: figure }),
      targets: z.array(z.strictObject({ year, value: figure })).max(20).default([]),
    }),
    applicantSide,
    (body, caller) => ({ type: 'DefineIndicator', indicatorId: runtime.newId(), ...body, definedBy: caller.subject }),
  );
  post(
    'progress-reports',
    "Report a year's progress: each indicator's actual value so far and participation counts, never who (the applicant side)",
    resultsInput,
    applicantSide,
    (body, caller) => ({ type: 'ReportProgress', results: { ...body, reportId: runtime.newId(), reportedBy: caller.subject } }),
  );

  app.get(
    '/cooperatives/:cooperativeId/initiatives/:initiativeId/results',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: "An initiative's indicators against their targets per year, and its participation (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams.extend({ initiativeId: reference('initiative') }),
        querystring: minPositionQuery,
        response: { 200: initiativeResultsSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { cooperativeId, initiativeId } = request.params;
      await readAfter(runtime, initiativesProjection, request.query.minPosition);
      const results = await runtime.projections.query(initiativesProjection, async (reader, tables) =>
        (await initiativeDetail(reader, tables, cooperativeId, initiativeId)) ? resultsOf(reader, tables, initiativeId) : undefined,
      );
      if (!results) throw notFound(`No initiative ${initiativeId}`);
      return results;
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/durability',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'Durability: per cohort of lines of work, the share still funded one to three years on; money to new and continuing lines per year (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: durabilitySchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      await readAfter(runtime, durabilityProjection, request.query.minPosition);
      return runtime.projections.query(durabilityProjection, (reader, tables) => durabilityOf(reader, tables, request.params.cooperativeId));
    },
  );
};
