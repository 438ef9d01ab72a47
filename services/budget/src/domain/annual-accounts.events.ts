// The annual cycle of a budget's financial year on `annual-accounts-{budgetId}` (BW 2:48, 2:58, 2:10): the board's
// accounts drawn up from the closed books, examined by an audit committee of members who are not on the board,
// adopted by the general assembly, and the board's discharge decided apart. Amounts in integer euro cents.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { LINE_KINDS, financialYearPeriodSchema, lineCodeSchema } from './budget.events.js';

const cents = z.int();

export const statementsSchema = z
  .object({
    financialYear: z.int(),
    period: financialYearPeriodSchema,
    /** Income and expenditure (staat van baten en lasten) per line, against what the budget in force set. */
    incomeAndExpenditure: z.object({
      lines: z.array(
        z.object({ code: lineCodeSchema, name: z.string(), kind: z.enum(LINE_KINDS), budgetedCents: cents, actualCents: cents }),
      ),
      incomeCents: cents,
      expenditureCents: cents,
      /** Income less expenditure. */
      resultCents: cents,
    }),
    /** The balance sheet at the year's end: the cash equals what is owed plus the year's result, to the cent. */
    balanceSheet: z.object({
      /** Received less paid out. */
      cashCents: cents,
      /** Expenses booked and not yet paid. */
      payablesCents: cents,
      /** Reserved for granted initiatives and not yet disbursed (bestemmingsreserve). */
      earmarkedReserveCents: cents,
      /** The rest of the result (algemene reserve). */
      generalReserveCents: cents,
    }),
  })
  .meta({ id: 'AnnualStatements' });
export type Statements = z.infer<typeof statementsSchema>;

export const AuditCommitteeAppointed = defineEvent('AuditCommitteeAppointed', {
  schema: z.object({
    budgetId: z.uuid(),
    /** BW 2:48 lid 2: at least two members, none of them on the board. */
    memberIds: z.array(z.uuid()).min(2),
    appointedBy: z.string(),
    appointedAt: z.iso.datetime(),
  }),
});

/** The board's accounts for the year, drawn up from its closed books: presenting them is what the deadline asks. */
export const AnnualAccountsDrawnUp = defineEvent('AnnualAccountsDrawnUp', {
  schema: z.object({
    budgetId: z.uuid(),
    statements: statementsSchema,
    drawnUpOn: z.iso.date(),
    drawnUpBy: z.string(),
    drawnUpAt: z.iso.datetime(),
  }),
});

export const AuditReportRecorded = defineEvent('AuditReportRecorded', {
  schema: z.object({
    budgetId: z.uuid(),
    /** The committee member who put the report on record. */
    reportedBy: z.uuid(),
    findings: z.string().min(1),
    /** Whether the committee advises the assembly to adopt the accounts. */
    advisesAdoption: z.boolean(),
    reportedAt: z.iso.datetime(),
  }),
});

/** A round of the assembly's vote on more time to present the accounts (BW 2:58 lid 1). */
export const AccountsExtensionDecided = defineEvent('AccountsExtensionDecided', {
  schema: z.object({
    budgetId: z.uuid(),
    motionId: z.uuid(),
    round: z.int().positive(),
    passed: z.boolean(),
    months: z.int().min(1).max(4),
    /** The extension in force after this decision: the longest one standing, four months at most. */
    extensionMonths: z.int().min(0).max(4),
    decidedAt: z.iso.datetime(),
  }),
});

export const AnnualAccountsAdopted = defineEvent('AnnualAccountsAdopted', {
  schema: z.object({ budgetId: z.uuid(), motionId: z.uuid(), round: z.int().positive(), adoptedAt: z.iso.datetime() }),
});

/** The assembly voted against the accounts, a new vote undid their adoption, or what it passed could not adopt them. */
export const AnnualAccountsNotAdopted = defineEvent('AnnualAccountsNotAdopted', {
  schema: z.object({
    budgetId: z.uuid(),
    motionId: z.uuid(),
    round: z.int().positive(),
    reason: z.string().min(1),
    decidedAt: z.iso.datetime(),
  }),
});

/** Décharge: the assembly releases the board from liability for its management of the year, as the accounts show it. */
export const BoardDischarged = defineEvent('BoardDischarged', {
  schema: z.object({ budgetId: z.uuid(), motionId: z.uuid(), round: z.int().positive(), dischargedAt: z.iso.datetime() }),
});

export const DischargeNotGranted = defineEvent('DischargeNotGranted', {
  schema: z.object({
    budgetId: z.uuid(),
    motionId: z.uuid(),
    round: z.int().positive(),
    reason: z.string().min(1),
    decidedAt: z.iso.datetime(),
  }),
});

export type AnnualAccountsEvent =
  | EventOf<typeof AuditCommitteeAppointed>
  | EventOf<typeof AnnualAccountsDrawnUp>
  | EventOf<typeof AuditReportRecorded>
  | EventOf<typeof AccountsExtensionDecided>
  | EventOf<typeof AnnualAccountsAdopted>
  | EventOf<typeof AnnualAccountsNotAdopted>
  | EventOf<typeof BoardDischarged>
  | EventOf<typeof DischargeNotGranted>;

export const annualAccountsEvents = [
  AuditCommitteeAppointed,
  AnnualAccountsDrawnUp,
  AuditReportRecorded,
  AccountsExtensionDecided,
  AnnualAccountsAdopted,
  AnnualAccountsNotAdopted,
  BoardDischarged,
  DischargeNotGranted,
];
