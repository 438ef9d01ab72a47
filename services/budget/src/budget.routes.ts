import { MAX_AMOUNT_CENTS, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  asOfPositionSchema,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  CsvTable,
  csvOptionsQuery,
  UTF8_BOM,
  minPositionQuery,
  notFound,
  pointInTime,
  problemResponses,
  readAfter,
  reference,
} from '@meent/http';
import { rulesIn } from '@meent/membership/standing';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { budgetActuals, budgetActualsSchema } from './application/budget.js';
import { today } from './application/ledger.js';
import { budgetAggregate } from './domain/budget.decider.js';
import { budgetLineSchema, lineCodeSchema } from './domain/budget.events.js';
import { budgetSummarySchema, budgetsOf, budgetsProjection, draftLines } from './projections/budgets.projection.js';
import { journalEntrySchema, journalPage, ledgerProjection } from './projections/ledger.projection.js';

const budgetParams = cooperativeParams.extend({ budgetId: reference('budget') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const readProblems = problemResponses(400, 401, 403, 404, 503);
const asOfQuery = minPositionQuery.extend({ asOf: z.iso.date().optional(), asOfPosition: asOfPositionSchema.optional() });

/** The budget drafted and submitted by the treasurer; the assembly adopts it by a motion. */
export const budgetDraftRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const budgets = runtime.aggregate(budgetAggregate);

  app.post(
    '/cooperatives/:cooperativeId/budgets',
    {
      schema: {
        tags: ['budget'],
        summary: 'Draft the budget of a financial year (treasurer)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({ financialYear: z.int().min(2000).max(2200), title: z.string().trim().min(1).max(200) }),
        response: { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const rules = await rulesIn(runtime.commands, cooperativeId);
      if (!rules) throw notFound('No such cooperative');
      const budgetId = runtime.newId();
      const { id, position } = await budgets.append(commandOriginOf(request, cooperativeId), budgetId, (now) => ({
        type: 'DraftBudget',
        budgetId,
        cooperativeId,
        ...request.body,
        financialYearStartMonth: rules.financialYearStartMonth,
        now,
      }));
      return reply.code(201).send({ id, position });
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/lines',
    {
      schema: {
        tags: ['budget'],
        summary: 'Set a line of the draft: the budget before adoption, an amendment after (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams,
        body: budgetLineSchema.extend({ amountCents: z.int().nonnegative().max(MAX_AMOUNT_CENTS) }).strict(),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      const { id, position } = await budgets.handle(commandOriginOf(request, cooperativeId), budgetId, (_budget, now) => ({
        type: 'SetLine',
        line: request.body,
        now,
      }));
      return { id, position };
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/lines/:code/removal',
    {
      schema: {
        tags: ['budget'],
        summary: 'Remove a line from the draft (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ code: lineCodeSchema }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, budgetId, code } = request.params;
      const { id, position } = await budgets.handle(commandOriginOf(request, cooperativeId), budgetId, (_budget, now) => ({ type: 'RemoveLine', code, now }));
      return { id, position };
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/submission',
    {
      schema: {
        tags: ['budget'],
        summary: "Submit the draft for adoption: table a budget-adoption motion with this budget as its subject (treasurer)",
        security: BEARER_SECURITY,
        params: budgetParams,
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      const { id, position } = await budgets.handle(commandOriginOf(request, cooperativeId), budgetId, (_budget, now) => ({ type: 'SubmitBudget', now }));
      return { id, position };
    },
  );
};

/** The budgets as every member reads them: against the ledger, now or as of any date and position. */
export const budgetReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  /** Budget versus actuals once both projections have read what the query asks for; 404 when there is none. */
  const actualsOf = async (cooperativeId: string, budgetId: string, query: z.infer<typeof asOfQuery>) => {
    await readAfter(runtime, budgetsProjection, query.minPosition, query.asOfPosition);
    await readAfter(runtime, ledgerProjection, query.minPosition, query.asOfPosition);
    const moment = { asOfDate: query.asOf ?? today(runtime.clock()), ...pointInTime({ asOfPosition: query.asOfPosition }) };
    const actuals = await runtime.projections.query(budgetsProjection, (budgetsReader, budgetsTables) =>
      runtime.projections.query(ledgerProjection, (ledgerReader, ledgerTables) =>
        budgetActuals({ reader: budgetsReader, tables: budgetsTables }, { reader: ledgerReader, tables: ledgerTables }, cooperativeId, budgetId, moment),
      ),
    );
    if (!actuals) throw notFound(`No budget ${budgetId}`);
    return actuals;
  };

  app.get(
    '/cooperatives/:cooperativeId/budgets',
    {
      schema: {
        tags: ['budget'],
        summary: "The cooperative's budgets (any member)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery,
        response: { 200: z.object({ budgets: z.array(budgetSummarySchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      await readAfter(runtime, budgetsProjection, request.query.minPosition);
      return { budgets: await runtime.projections.query(budgetsProjection, (reader, tables) => budgetsOf(reader, tables, cooperativeId)) };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/budgets/:budgetId',
    {
      schema: {
        tags: ['budget'],
        summary:
          'Budget versus actuals per line, now or at the end of `asOf`, as recorded up to `asOfPosition` if given, with the cash position (any member)',
        security: BEARER_SECURITY,
        params: budgetParams,
        querystring: asOfQuery,
        response: { 200: budgetActualsSchema.extend({ draft: z.array(budgetLineSchema) }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      const actuals = await actualsOf(cooperativeId, budgetId, request.query);
      const draft = await runtime.projections.query(budgetsProjection, (reader, tables) => draftLines(reader, tables, budgetId));
      return { ...actuals, draft };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/budgets/:budgetId/overview.csv',
    {
      schema: {
        tags: ['budget'],
        summary: 'The annual overview as CSV: per line budgeted, received, spent, reserved, available, in cents (any member)',
        security: BEARER_SECURITY,
        params: budgetParams,
        querystring: asOfQuery.extend(csvOptionsQuery.shape),
        produces: ['text/csv'],
        response: { 200: z.string().meta({ description: 'CSV, one budget line a row' }), ...readProblems },
      },
    },
    async (request, reply) => {
      const { cooperativeId, budgetId } = request.params;
      const actuals = await actualsOf(cooperativeId, budgetId, request.query);
      const { separator, amounts } = request.query;
      const table = new CsvTable(['code', 'name', 'kind', 'budgeted_cents', 'received_cents', 'spent_cents', 'reserved_cents', 'available_cents'], { separator, amounts });
      const rows = actuals.lines.map((line) =>
        table.line([line.code, line.name, line.kind, line.budgetedCents, line.receivedCents, line.spentCents, line.reservedCents, line.availableCents]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="budget-${actuals.financialYear}-${actuals.asOf}.csv"`)
        .send([UTF8_BOM, table.header(), ...rows].join(''));
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/budgets/:budgetId/journal',
    {
      schema: {
        tags: ['budget'],
        summary: 'The journal in order, with who did what (officers)',
        security: BEARER_SECURITY,
        params: budgetParams,
        querystring: minPositionQuery.extend({
          after: z.coerce.number().int().nonnegative().default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ entries: z.array(journalEntrySchema), nextAfter: z.number().nullable() }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, budgetId } = request.params;
      await runtime.aggregate(budgetAggregate).load(cooperativeId, budgetId);
      await readAfter(runtime, ledgerProjection, request.query.minPosition);
      const { after, limit } = request.query;
      const entries = await runtime.projections.query(ledgerProjection, (reader, tables) => journalPage(reader, tables, budgetId, after, limit));
      return { entries, nextAfter: entries.length === limit ? (entries.at(-1)?.position ?? null) : null };
    },
  );
};
