import { amountCentsSchema, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandContextOf,
  problemResponses,
  reference,
} from '@meent/http';
import { cooperativeParams, copiedRulesOf, type Caller } from '@meent/membership';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bookingOverride, budgetOf, inForce, overrideBy, today } from './application/budget-commands.js';
import { lineCodeSchema } from './domain/budget.events.js';
import { ledgerDecider, ledgerStream, type LedgerCommand } from './domain/ledger.decider.js';
import { referenceSchema } from './domain/ledger.events.js';
import { budgetsProjection } from './projections/budgets.projection.js';

const budgetParams = cooperativeParams.extend({ budgetId: reference('budget') });
const cents = amountCentsSchema;
const text = (max: number) => z.string().trim().min(1).max(max);
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
/** Only the board may let a line be exceeded; the reason goes on record. */
const overrideReason = text(1000).optional();

type LedgerCommandBody = { [Type in LedgerCommand['type']]: Omit<Extract<LedgerCommand, { type: Type }>, 'budget' | 'today' | 'now'> }[LedgerCommand['type']];

/** Ledger writes: the treasurer's, with a second officer for large expenses and the board to exceed a line. */
export const ledgerRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  const ledgerCommand = async (
    request: FastifyRequest,
    params: { cooperativeId: string; budgetId: string },
    id: string,
    command: (caller: Caller) => LedgerCommandBody | Promise<LedgerCommandBody>,
  ) => {
    const { cooperativeId, budgetId } = params;
    const caller = callerOf(request);
    const budget = inForce(await budgetOf(runtime, cooperativeId, budgetId));
    const body = await command(caller);
    const now = runtime.clock();
    const result = await runtime.commands.handle(
      ledgerStream(budgetId),
      ledgerDecider,
      { ...body, budget, today: today(now), now } as LedgerCommand,
      commandContextOf(request, cooperativeId, now),
    );
    return { id, position: result.position };
  };

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/income',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Record income on an income line (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams,
        body: z.strictObject({ lineCode: lineCodeSchema, source: text(200), amountCents: cents, receivedOn: z.iso.date() }),
        response: created,
      },
    },
    async (request, reply) => {
      const entryId = runtime.newId();
      const result = await ledgerCommand(request, request.params, entryId, (caller) => ({ type: 'RecordIncome', entryId, ...request.body, by: caller.subject }));
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/expenses',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Submit an expense: booked at once up to the four-eyes threshold, else after a second approval (treasurer)',
        description: 'An expense beyond what the line has left is refused (422 LEDGER.LINE_EXHAUSTED) unless the board submits it with `overrideReason`.',
        security: BEARER_SECURITY,
        params: budgetParams,
        body: z.strictObject({
          lineCode: lineCodeSchema,
          payee: text(200),
          amountCents: cents,
          invoiceReference: text(100),
          description: text(1000),
          overrideReason,
        }),
        response: created,
      },
    },
    async (request, reply) => {
      const { overrideReason: reason, ...expense } = request.body;
      const rules = await runtime.projections.query(budgetsProjection, (reader, tables) => copiedRulesOf(reader, tables, request.params.cooperativeId));
      const expenseId = runtime.newId();
      const result = await ledgerCommand(
        request,
        request.params,
        expenseId,
        (caller) => ({
          type: 'SubmitExpense',
          expenseId,
          ...expense,
          by: caller.subject,
          fourEyesThresholdCents: rules?.fourEyesThresholdCents ?? 0,
          override: bookingOverride(caller, reason),
        }),
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/expenses/:expenseId/approval',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Approve and book an expense above the four-eyes threshold (an officer other than its submitter)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ expenseId: z.uuid() }),
        // Without a body, fastify hands the validator null.
        body: z.strictObject({ overrideReason }).nullable().transform((body) => body ?? {}),
        response: accepted,
      },
    },
    async (request) => {
      const { expenseId } = request.params;
      return ledgerCommand(
        request,
        request.params,
        expenseId,
        (caller) => ({ type: 'ApproveExpense', expenseId, by: caller.subject, override: overrideBy(caller, request.body.overrideReason) }),
      );
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/expenses/:expenseId/payment',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Record a booked expense as paid (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ expenseId: z.uuid() }),
        response: accepted,
      },
    },
    async (request) => {
      const { expenseId } = request.params;
      return ledgerCommand(request, request.params, expenseId, () => ({ type: 'PayExpense', expenseId }));
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/reservations',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Reserve money on an expense line; refused, as an event, when the line has too little left (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams,
        body: z.strictObject({ lineCode: lineCodeSchema, amountCents: cents, reference: referenceSchema.extend({ id: reference('initiative') }).optional(), overrideReason }),
        response: created,
      },
    },
    async (request, reply) => {
      const reservationId = runtime.newId();
      const { overrideReason: reason, reference, ...reservation } = request.body;
      const result = await ledgerCommand(
        request,
        request.params,
        reservationId,
        (caller) => ({ type: 'ReserveFunds', reservationId, ...reservation, reference: reference ?? null, override: bookingOverride(caller, reason) }),
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/reservations/:reservationId/release',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Release what is left of a reservation back to its line (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ reservationId: z.uuid() }),
        body: z.strictObject({ reason: text(1000) }),
        response: accepted,
      },
    },
    async (request) => {
      const { reservationId } = request.params;
      return ledgerCommand(request, request.params, reservationId, () => ({ type: 'ReleaseReservation', reservationId, reason: request.body.reason }));
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/reservations/:reservationId/disbursements',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Book a disbursement against a reservation (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ reservationId: z.uuid() }),
        body: z.strictObject({ amountCents: cents, description: text(1000) }),
        response: created,
      },
    },
    async (request, reply) => {
      const { reservationId } = request.params;
      const disbursementId = runtime.newId();
      const result = await ledgerCommand(
        request,
        request.params,
        disbursementId,
        () => ({ type: 'BookDisbursement', disbursementId, reservationId, ...request.body }),
      );
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/budgets/:budgetId/entries/:entryId/reversal',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Correct an income, expense or disbursement with a reversing entry that references it (treasurer)',
        security: BEARER_SECURITY,
        params: budgetParams.extend({ entryId: z.uuid() }),
        body: z.strictObject({ reason: text(1000) }),
        response: created,
      },
    },
    async (request, reply) => {
      const { entryId } = request.params;
      const reversalId = runtime.newId();
      const result = await ledgerCommand(
        request,
        request.params,
        reversalId,
        (caller) => ({ type: 'ReverseEntry', reversalId, entryId, reason: request.body.reason, by: caller.subject }),
      );
      return reply.code(201).send(result);
    },
  );
};
