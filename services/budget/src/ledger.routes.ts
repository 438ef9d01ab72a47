import { amountCentsSchema, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  problemResponses,
  reference,
} from '@meent/http';
import { copiedRulesOf } from '@meent/membership/events';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bookOnLedger, bookingOverride, overrideBy } from './application/ledger.js';
import { lineCodeSchema } from './domain/budget.events.js';
import { referenceSchema } from './domain/ledger.events.js';
import { budgetsProjection } from './projections/budgets.projection.js';

const budgetParams = cooperativeParams.extend({ budgetId: reference('budget') });
const cents = amountCentsSchema;
const text = (max: number) => z.string().trim().min(1).max(max);
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
/** Only the board may let a line be exceeded; the reason goes on record. */
const overrideReason = text(1000).optional();

/** Income and expenses: the treasurer's, with a second officer for large expenses and the board to exceed a line. */
export const ledgerBookingRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

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
      const { cooperativeId, budgetId } = request.params;
      const entryId = runtime.newId();
      const command = { type: 'RecordIncome' as const, entryId, ...request.body, by: callerOf(request).subject };
      return reply.code(201).send(await bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, entryId, command));
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
      const { cooperativeId, budgetId } = request.params;
      const caller = callerOf(request);
      const { overrideReason: reason, ...expense } = request.body;
      const override = bookingOverride(caller, reason);
      const rules = await runtime.projections.query(budgetsProjection, (reader, tables) => copiedRulesOf(reader, tables, cooperativeId));
      const expenseId = runtime.newId();
      const command = {
        type: 'SubmitExpense' as const,
        expenseId,
        ...expense,
        by: caller.subject,
        fourEyesThresholdCents: rules?.fourEyesThresholdCents ?? 0,
        override,
      };
      return reply.code(201).send(await bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, expenseId, command));
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
      const { cooperativeId, budgetId, expenseId } = request.params;
      const caller = callerOf(request);
      const command = { type: 'ApproveExpense' as const, expenseId, by: caller.subject, override: overrideBy(caller, request.body.overrideReason) };
      return bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, expenseId, command);
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
      const { cooperativeId, budgetId, expenseId } = request.params;
      return bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, expenseId, { type: 'PayExpense', expenseId });
    },
  );
};

/** Reservations, disbursements against them, and corrections by reversing entries: the treasurer's. */
export const ledgerReservationRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

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
      const { cooperativeId, budgetId } = request.params;
      const { overrideReason: reason, reference: initiative, ...reservation } = request.body;
      const reservationId = runtime.newId();
      const command = {
        type: 'ReserveFunds' as const,
        reservationId,
        ...reservation,
        reference: initiative ?? null,
        override: bookingOverride(callerOf(request), reason),
      };
      return reply.code(201).send(await bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, reservationId, command));
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
      const { cooperativeId, budgetId, reservationId } = request.params;
      const command = { type: 'ReleaseReservation' as const, reservationId, reason: request.body.reason };
      return bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, reservationId, command);
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
      const { cooperativeId, budgetId, reservationId } = request.params;
      const disbursementId = runtime.newId();
      const command = { type: 'BookDisbursement' as const, disbursementId, reservationId, ...request.body };
      return reply.code(201).send(await bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, disbursementId, command));
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
      const { cooperativeId, budgetId, entryId } = request.params;
      const reversalId = runtime.newId();
      const command = { type: 'ReverseEntry' as const, reversalId, entryId, reason: request.body.reason, by: callerOf(request).subject };
      return reply.code(201).send(await bookOnLedger(runtime, commandOriginOf(request, cooperativeId), budgetId, reversalId, command));
    },
  );
};
