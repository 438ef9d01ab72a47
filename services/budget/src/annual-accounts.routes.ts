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
import { AnnualAccountsCommands } from './application/annual-accounts.js';
import { today } from './application/ledger.js';
import {
  annualAccountsOf,
  annualAccountsProjection,
  annualAccountsSchema,
  annualAccountsSummarySchema,
  annualCycleOf,
} from './projections/annual-accounts.projection.js';

const budgetParams = cooperativeParams.extend({ budgetId: reference('budget') });
const changed = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);

/**
 * The annual cycle (BW 2:48, 2:58): the treasurer draws up the accounts from the closed books, the secretary records the
 * audit committee, and a committee member its report. The assembly adopts the accounts and discharges the board by
 * motions of those decision types about the budget's year.
 */
export const annualAccountsRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const accounts = new AnnualAccountsCommands(runtime);

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/annual-accounts',
    {
      schema: {
        tags: ['annual-accounts'],
        summary: "Close the year's books and draw up its accounts from them: income and expenditure, and the balance sheet (treasurer)",
        security: BEARER_SECURITY,
        params: budgetParams,
        response: { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { cooperativeId, budgetId } = request.params;
      return reply.code(201).send(await accounts.drawUp(commandOriginOf(request, cooperativeId), budgetId, callerOf(request).subject));
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/annual-accounts/audit-committee',
    {
      schema: {
        tags: ['annual-accounts'],
        summary: 'Record the audit committee the assembly appointed: two or more members, none on the board (secretary)',
        security: BEARER_SECURITY,
        params: budgetParams,
        body: z.strictObject({ memberIds: z.array(reference('member')).min(2).max(20) }),
        response: changed,
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      const origin = commandOriginOf(request, cooperativeId);
      return accounts.appointAuditCommittee(origin, budgetId, request.body.memberIds, callerOf(request).subject);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/annual-accounts/audit-report',
    {
      schema: {
        tags: ['annual-accounts'],
        summary: "Put the audit committee's report on the accounts on record (a committee member)",
        security: BEARER_SECURITY,
        params: budgetParams,
        body: z.strictObject({ findings: z.string().trim().min(1).max(20_000), advisesAdoption: z.boolean() }),
        response: changed,
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      return accounts.reportAudit(commandOriginOf(request, cooperativeId), budgetId, request.body, callerOf(request).subject);
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/budgets/:budgetId/annual-accounts',
    {
      schema: {
        tags: ['annual-accounts'],
        summary: "A financial year's accounts, audit, adoption and discharge, with the presentation deadline met, open or overdue",
        security: BEARER_SECURITY,
        params: budgetParams,
        querystring: minPositionQuery,
        response: { 200: annualAccountsSchema, ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      await readAfter(runtime, annualAccountsProjection, request.query.minPosition);
      const year = await runtime.projections.query(annualAccountsProjection, (reader, tables) =>
        annualAccountsOf(reader, tables, cooperativeId, budgetId, today(runtime.clock())),
      );
      if (!year) throw notFound(`No budget ${budgetId}`);
      return year;
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/annual-accounts',
    {
      schema: {
        tags: ['annual-accounts'],
        summary: 'Every financial year with its accounts deadline — overdue ones shown as such — adoption and discharge',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ years: z.array(annualAccountsSummarySchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      await readAfter(runtime, annualAccountsProjection, request.query.minPosition);
      const years = await runtime.projections.query(annualAccountsProjection, (reader, tables) =>
        annualCycleOf(reader, tables, cooperativeId, today(runtime.clock())),
      );
      return { years };
    },
  );
};
