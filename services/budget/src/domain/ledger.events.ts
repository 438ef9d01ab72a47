// The ledger of one budget on `ledger-{budgetId}`: income, expenses (submitted, approved by a second officer above
// the four-eyes threshold, booked, paid), reservations for granted initiatives and the disbursements against them,
// and reversals — the only correction there is — until the year's books are closed. Every amount is in integer euro
// cents.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { lineCodeSchema } from './budget.events.js';

const cents = z.int().positive().max(Number.MAX_SAFE_INTEGER);
const day = z.iso.date();

export const referenceSchema = z
  .object({ kind: z.enum(['initiative', 'pb-round']), id: z.uuid() })
  .meta({ id: 'ReservationReference', description: 'What a reservation is for' });

export const IncomeRecorded = defineEvent('IncomeRecorded', {
  schema: z.object({
    entryId: z.uuid(),
    lineCode: lineCodeSchema,
    source: z.string().min(1),
    amountCents: cents,
    receivedOn: day,
    recordedBy: z.string(),
    recordedAt: z.iso.datetime(),
  }),
});

export const ExpenseSubmitted = defineEvent('ExpenseSubmitted', {
  schema: z.object({
    expenseId: z.uuid(),
    lineCode: lineCodeSchema,
    payee: z.string().min(1),
    amountCents: cents,
    invoiceReference: z.string().min(1),
    description: z.string().min(1),
    submittedBy: z.string(),
    /** Above the rules' four-eyes threshold: booked only once a second officer approves. */
    needsSecondApprover: z.boolean(),
    submittedAt: z.iso.datetime(),
  }),
});

export const ExpenseApproved = defineEvent('ExpenseApproved', {
  schema: z.object({ expenseId: z.uuid(), approvedBy: z.string(), approvedAt: z.iso.datetime() }),
});

export const overrideSchema = z.object({ by: z.string(), reason: z.string().min(1) });

export const ExpenseBooked = defineEvent('ExpenseBooked', {
  schema: z.object({
    expenseId: z.uuid(),
    lineCode: lineCodeSchema,
    amountCents: cents,
    /** The board let it exceed what the line had left, and why. */
    override: overrideSchema.nullable(),
    bookedOn: day,
    bookedAt: z.iso.datetime(),
  }),
});

export const ExpensePaid = defineEvent('ExpensePaid', {
  schema: z.object({ expenseId: z.uuid(), paidOn: day, paidAt: z.iso.datetime() }),
});

export const FundsReserved = defineEvent('FundsReserved', {
  schema: z.object({
    reservationId: z.uuid(),
    lineCode: lineCodeSchema,
    amountCents: cents,
    reference: referenceSchema.nullable(),
    override: overrideSchema.nullable(),
    reservedOn: day,
    reservedAt: z.iso.datetime(),
  }),
});

export const ReservationRefused = defineEvent('ReservationRefused', {
  schema: z.object({
    reservationId: z.uuid(),
    lineCode: lineCodeSchema,
    amountCents: cents,
    availableCents: z.int(),
    reference: referenceSchema.nullable(),
    reason: z.string(),
    refusedAt: z.iso.datetime(),
  }),
});

export const ReservationReleased = defineEvent('ReservationReleased', {
  schema: z.object({
    reservationId: z.uuid(),
    reference: referenceSchema.nullable(),
    lineCode: lineCodeSchema,
    /** What was left of the reservation, back on the line. */
    amountCents: cents,
    reason: z.string().min(1),
    releasedOn: day,
    releasedAt: z.iso.datetime(),
  }),
});

export const DisbursementBooked = defineEvent('DisbursementBooked', {
  schema: z.object({
    disbursementId: z.uuid(),
    reservationId: z.uuid(),
    /** What the reservation was for, so that context can follow its money. */
    reference: referenceSchema.nullable(),
    lineCode: lineCodeSchema,
    amountCents: cents,
    description: z.string().min(1),
    bookedOn: day,
    bookedAt: z.iso.datetime(),
  }),
});

export const ENTRY_KINDS = ['income', 'expense', 'disbursement'] as const;

export const EntryReversed = defineEvent('EntryReversed', {
  schema: z.object({
    reversalId: z.uuid(),
    /** The income, expense or disbursement reversed: entries are never edited. */
    entryId: z.uuid(),
    entryKind: z.enum(ENTRY_KINDS),
    lineCode: lineCodeSchema,
    amountCents: cents,
    reason: z.string().min(1),
    reversedBy: z.string(),
    reversedOn: day,
    reversedAt: z.iso.datetime(),
  }),
});

/**
 * The treasurer closed the year's books to draw up its accounts (BW 2:10 lid 2, 2:48): from here on the ledger is what
 * the accounts say, and nothing more is booked on it.
 */
export const BooksClosed = defineEvent('BooksClosed', {
  schema: z.object({ financialYear: z.int(), closedOn: day, closedBy: z.string(), closedAt: z.iso.datetime() }),
});

/** A disbursement or release another context asked for after the books were closed: refused, on record. */
export const BookingRefused = defineEvent('BookingRefused', {
  schema: z.object({
    bookingId: z.uuid(),
    kind: z.enum(['disbursement', 'release']),
    reservationId: z.uuid(),
    reference: referenceSchema.nullable(),
    reason: z.string().min(1),
    refusedAt: z.iso.datetime(),
  }),
});

export type LedgerEvent =
  | EventOf<typeof IncomeRecorded>
  | EventOf<typeof ExpenseSubmitted>
  | EventOf<typeof ExpenseApproved>
  | EventOf<typeof ExpenseBooked>
  | EventOf<typeof ExpensePaid>
  | EventOf<typeof FundsReserved>
  | EventOf<typeof ReservationRefused>
  | EventOf<typeof ReservationReleased>
  | EventOf<typeof DisbursementBooked>
  | EventOf<typeof EntryReversed>
  | EventOf<typeof BooksClosed>
  | EventOf<typeof BookingRefused>;

export const ledgerEvents = [
  IncomeRecorded,
  ExpenseSubmitted,
  ExpenseApproved,
  ExpenseBooked,
  ExpensePaid,
  FundsReserved,
  ReservationRefused,
  ReservationReleased,
  DisbursementBooked,
  EntryReversed,
  BooksClosed,
  BookingRefused,
];
