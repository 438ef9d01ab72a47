import { VersionedMap, assertNever, requireExactSum, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { FinancialYearPeriod } from '@meent/membership/events';
import type { z } from 'zod';
import type { BudgetLine } from './budget.events.js';
import {
  BookingRefused,
  BooksClosed,
  DisbursementBooked,
  EntryReversed,
  ExpenseApproved,
  ExpenseBooked,
  ExpensePaid,
  ExpenseSubmitted,
  FundsReserved,
  IncomeRecorded,
  ReservationRefused,
  ReservationReleased,
  type LedgerEvent,
  type referenceSchema,
} from './ledger.events.js';
import { budgetError } from './errors.js';

type Reference = z.infer<typeof referenceSchema>;

/** Money per line, in cents: what was received (income lines), spent and is still reserved (expense lines). */
export interface LineTotals {
  readonly receivedCents: number;
  readonly spentCents: number;
  readonly reservedCents: number;
}
const NO_MONEY: LineTotals = { receivedCents: 0, spentCents: 0, reservedCents: 0 };

type Expense = {
  readonly kind: 'expense';
  readonly lineCode: string;
  readonly amountCents: number;
  readonly submittedBy: string;
  readonly status: 'AwaitingApproval' | 'Booked' | 'Paid' | 'Reversed';
};
type Income = { readonly kind: 'income'; readonly lineCode: string; readonly amountCents: number; readonly reversed: boolean };
type Disbursement = { readonly kind: 'disbursement'; readonly lineCode: string; readonly amountCents: number; readonly reversed: boolean };
type Entry = Expense | Income | Disbursement;

interface Reservation {
  readonly lineCode: string;
  readonly reference: Reference | null;
  /** Still reserved: the amount less what was disbursed or released. */
  readonly remainingCents: number;
}

export interface LedgerState {
  readonly totals: Readonly<Record<string, LineTotals>>;
  readonly entries: VersionedMap<string, Entry>;
  /** Reservations made; a refused one is kept as null, so asking again with its id changes nothing. */
  readonly reservations: VersionedMap<string, Reservation | null>;
  /** Received less paid out. */
  readonly cashCents: number;
  /** Expenses booked and not yet paid. */
  readonly payablesCents: number;
  /** Expenses above the four-eyes threshold not yet approved: the books do not close over them. */
  readonly awaitingApproval: number;
  /** The day the year's books were closed; null while they are open. */
  readonly closedOn: string | null;
  /** Bookings refused after the close, so asking again changes nothing. */
  readonly refusedBookings: VersionedMap<string, true>;
}

/** The adopted budget the ledger books against, as the budget context has it. */
export type BudgetInForce = { readonly adopted: false } | AdoptedBudget;

export interface AdoptedBudget {
  readonly adopted: true;
  readonly lines: ReadonlyMap<string, BudgetLine>;
  readonly financialYear: number;
  /** BW 2:10a: the days of the year the budget is for; its books open on the first and stay open until closed. */
  readonly period: FinancialYearPeriod;
}

interface Dated {
  readonly budget: BudgetInForce;
  /** The booking date, in the cooperative's calendar. */
  readonly today: string;
  readonly now: Date;
}
type Override = { readonly by: string; readonly reason: string } | null;

export type LedgerCommand =
  | ({
      readonly type: 'RecordIncome';
      readonly entryId: string;
      readonly lineCode: string;
      readonly source: string;
      readonly amountCents: number;
      readonly receivedOn: string;
      readonly by: string;
    } & Dated)
  | ({
      readonly type: 'SubmitExpense';
      readonly expenseId: string;
      readonly lineCode: string;
      readonly payee: string;
      readonly amountCents: number;
      readonly invoiceReference: string;
      readonly description: string;
      readonly by: string;
      readonly fourEyesThresholdCents: number;
      /** Only the board may let a line be exceeded. */
      readonly override: Override;
    } & Dated)
  | ({ readonly type: 'ApproveExpense'; readonly expenseId: string; readonly by: string; readonly override: Override } & Dated)
  | ({ readonly type: 'PayExpense'; readonly expenseId: string } & Dated)
  | ({
      readonly type: 'ReserveFunds';
      readonly reservationId: string;
      readonly lineCode: string;
      readonly amountCents: number;
      readonly reference: Reference | null;
      readonly override: Override;
    } & Dated)
  | ({ readonly type: 'ReleaseReservation'; readonly reservationId: string; readonly reason: string } & Dated)
  | ({
      /**
       * A participatory budgeting round is decided: its reservation goes back to the line and, in the same stroke, each
       * winning initiative's cost is reserved on it — the line never shows the round's money as free in between.
       */
      readonly type: 'SettleRound';
      readonly reservationId: string;
      readonly winners: readonly { readonly reservationId: string; readonly initiativeId: string; readonly amountCents: number }[];
      readonly reason: string;
    } & Dated)
  | ({
      readonly type: 'BookDisbursement';
      readonly disbursementId: string;
      readonly reservationId: string;
      readonly amountCents: number;
      readonly description: string;
    } & Dated)
  | ({ readonly type: 'ReverseEntry'; readonly reversalId: string; readonly entryId: string; readonly reason: string; readonly by: string } & Dated)
  | ({ readonly type: 'CloseBooks'; readonly by: string } & Dated)
  | ({
      /** A disbursement or release another context asked for after the close: refused by an event it can see. */
      readonly type: 'RefuseBooking';
      readonly bookingId: string;
      readonly kind: 'disbursement' | 'release';
      readonly reservationId: string;
    } & Dated);

export const ledgerStream = (budgetId: string) => ledgerAggregate.stream(budgetId);

export const initialState: LedgerState = {
  totals: {},
  entries: VersionedMap.empty(),
  reservations: VersionedMap.empty(),
  cashCents: 0,
  payablesCents: 0,
  awaitingApproval: 0,
  closedOn: null,
  refusedBookings: VersionedMap.empty(),
};

/** Budgeted less spent less reserved, for an expense line of the budget in force. */
export function availableCents(state: LedgerState, line: BudgetLine): number {
  const totals = state.totals[line.code] ?? NO_MONEY;
  return line.amountCents - totals.spentCents - totals.reservedCents;
}

function addTo(state: LedgerState, lineCode: string, change: Partial<LineTotals>): LedgerState['totals'] {
  const current = state.totals[lineCode] ?? NO_MONEY;
  return {
    ...state.totals,
    [lineCode]: {
      receivedCents: current.receivedCents + (change.receivedCents ?? 0),
      spentCents: current.spentCents + (change.spentCents ?? 0),
      reservedCents: current.reservedCents + (change.reservedCents ?? 0),
    },
  };
}

export function evolve(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'IncomeRecorded': {
      const { entryId, lineCode, amountCents } = event.data;
      return {
        ...state,
        totals: addTo(state, lineCode, { receivedCents: amountCents }),
        entries: state.entries.set(entryId, { kind: 'income', lineCode, amountCents, reversed: false }),
        cashCents: state.cashCents + amountCents,
      };
    }
    case 'ExpenseSubmitted': {
      const { expenseId, lineCode, amountCents, submittedBy } = event.data;
      const expense: Expense = { kind: 'expense', lineCode, amountCents, submittedBy, status: 'AwaitingApproval' };
      return {
        ...state,
        entries: state.entries.set(expenseId, expense),
        awaitingApproval: state.awaitingApproval + (event.data.needsSecondApprover ? 1 : 0),
      };
    }
    case 'ExpenseApproved':
      return { ...state, awaitingApproval: state.awaitingApproval - 1 };
    case 'ExpenseBooked':
    case 'ExpensePaid': {
      const expense = state.entries.get(event.data.expenseId);
      if (expense?.kind !== 'expense') return state;
      const booked = event.type === 'ExpenseBooked';
      return {
        ...state,
        totals: booked ? addTo(state, expense.lineCode, { spentCents: expense.amountCents }) : state.totals,
        entries: state.entries.set(event.data.expenseId, { ...expense, status: booked ? 'Booked' : 'Paid' }),
        payablesCents: state.payablesCents + (booked ? expense.amountCents : -expense.amountCents),
        cashCents: booked ? state.cashCents : state.cashCents - expense.amountCents,
      };
    }
    case 'FundsReserved': {
      const { reservationId, lineCode, amountCents, reference } = event.data;
      return {
        ...state,
        totals: addTo(state, lineCode, { reservedCents: amountCents }),
        reservations: state.reservations.set(reservationId, { lineCode, reference, remainingCents: amountCents }),
      };
    }
    case 'ReservationRefused':
      return { ...state, reservations: state.reservations.set(event.data.reservationId, null) };
    case 'ReservationReleased': {
      const { reservationId, lineCode, amountCents } = event.data;
      const reservation = state.reservations.get(reservationId);
      if (!reservation) return state;
      return {
        ...state,
        totals: addTo(state, lineCode, { reservedCents: -amountCents }),
        reservations: state.reservations.set(reservationId, { ...reservation, remainingCents: reservation.remainingCents - amountCents }),
      };
    }
    case 'DisbursementBooked': {
      const { disbursementId, reservationId, lineCode, amountCents } = event.data;
      const reservation = state.reservations.get(reservationId);
      if (!reservation) return state;
      return {
        ...state,
        totals: addTo(state, lineCode, { reservedCents: -amountCents, spentCents: amountCents }),
        entries: state.entries.set(disbursementId, { kind: 'disbursement', lineCode, amountCents, reversed: false }),
        cashCents: state.cashCents - amountCents,
        reservations: state.reservations.set(reservationId, { ...reservation, remainingCents: reservation.remainingCents - amountCents }),
      };
    }
    case 'EntryReversed': {
      const { entryId, lineCode, amountCents, entryKind } = event.data;
      const entry = state.entries.get(entryId);
      if (!entry) return state;
      const reversed: Entry = entry.kind === 'expense' ? { ...entry, status: 'Reversed' } : { ...entry, reversed: true };
      // A reversal undoes what the entry did to the money: income gives its cash back, a paid expense or a
      // disbursement has its cash returned, an unpaid expense is owed no more.
      const unpaid = entry.kind === 'expense' && entry.status === 'Booked';
      const cashBack = entry.kind === 'income' ? -amountCents : unpaid ? 0 : amountCents;
      return {
        ...state,
        cashCents: state.cashCents + cashBack,
        payablesCents: state.payablesCents - (unpaid ? amountCents : 0),
        totals: addTo(state, lineCode, entryKind === 'income' ? { receivedCents: -amountCents } : { spentCents: -amountCents }),
        entries: state.entries.set(entryId, reversed),
      };
    }
    case 'BooksClosed':
      return { ...state, closedOn: event.data.closedOn };
    case 'BookingRefused':
      return { ...state, refusedBookings: state.refusedBookings.set(event.data.bookingId, true) };
    default:
      return assertNever(event);
  }
}

/**
 * Refuses an entry that would take the ledger's totals past what a number holds exactly: every line's total is part of
 * them, and the cash position is received less spent.
 */
function requireExactTotals(state: LedgerState, change: Partial<LineTotals>): void {
  let received = change.receivedCents ?? 0;
  let spent = change.spentCents ?? 0;
  let reserved = change.reservedCents ?? 0;
  for (const line of Object.values(state.totals)) {
    received += Math.abs(line.receivedCents);
    spent += Math.abs(line.spentCents);
    reserved += Math.abs(line.reservedCents);
  }
  requireExactSum('LEDGER.SUM_NOT_EXACT', received, spent, reserved, received + spent);
}

export function decide(command: LedgerCommand, state: LedgerState): LedgerEvent[] {
  const at = command.now.toISOString();
  const { today } = command;
  if (command.type === 'ReserveFunds') return reserve(command, state);
  if (command.type === 'RefuseBooking') return refuseBooking(command, state);
  if (!command.budget.adopted) {
    throw budgetError('LEDGER.BUDGET_NOT_ADOPTED');
  }
  const { budget } = command;
  const { financialYear, period } = budget;
  if (state.closedOn !== null) {
    throw budgetError('LEDGER.BOOKS_CLOSED', { message: `The books of financial year ${financialYear} were closed on ${state.closedOn}` });
  }
  /** An expense is booked today: on a year's budget from its first day on (BW 2:10a). */
  const requireYearBegun = () => {
    if (today < period.firstDay) {
      throw budgetError('LEDGER.OUTSIDE_FINANCIAL_YEAR', { message: `Financial year ${financialYear} begins on ${period.firstDay}` });
    }
  };
  switch (command.type) {
    case 'RecordIncome': {
      const line = lineOf(budget, command.lineCode, 'income');
      const { entryId, source, amountCents, receivedOn, by } = command;
      if (state.entries.has(entryId)) return [];
      if (receivedOn < period.firstDay || receivedOn > period.lastDay) {
        throw budgetError('LEDGER.OUTSIDE_FINANCIAL_YEAR', {
          message: `Income received on ${receivedOn} is not of financial year ${financialYear} (${period.firstDay} to ${period.lastDay})`,
        });
      }
      requireExactTotals(state, { receivedCents: amountCents });
      return [IncomeRecorded({ entryId, lineCode: line.code, source, amountCents, receivedOn, recordedBy: by, recordedAt: at })];
    }
    case 'SubmitExpense': {
      const line = lineOf(budget, command.lineCode, 'expense');
      const { expenseId, payee, amountCents, invoiceReference, description, by } = command;
      if (state.entries.has(expenseId)) return [];
      requireYearBegun();
      const needsSecondApprover = amountCents > command.fourEyesThresholdCents;
      const submitted = ExpenseSubmitted({
        expenseId,
        lineCode: line.code,
        payee,
        amountCents,
        invoiceReference,
        description,
        submittedBy: by,
        needsSecondApprover,
        submittedAt: at,
      });
      if (needsSecondApprover) return [submitted];
      requireExactTotals(state, { spentCents: amountCents });
      const override = fundsFor(state, line, amountCents, command.override);
      return [submitted, ExpenseBooked({ expenseId, lineCode: line.code, amountCents, override, bookedOn: today, bookedAt: at })];
    }
    case 'ApproveExpense': {
      const expense = expenseOf(state, command.expenseId);
      if (expense.status !== 'AwaitingApproval') {
        throw budgetError('LEDGER.NOT_AWAITING_APPROVAL', { message: `The expense is ${expense.status}` });
      }
      if (command.by === expense.submittedBy) {
        throw budgetError('LEDGER.SAME_APPROVER');
      }
      requireYearBegun();
      const line = lineOf(budget, expense.lineCode, 'expense');
      requireExactTotals(state, { spentCents: expense.amountCents });
      const override = fundsFor(state, line, expense.amountCents, command.override);
      const { expenseId } = command;
      return [
        ExpenseApproved({ expenseId, approvedBy: command.by, approvedAt: at }),
        ExpenseBooked({ expenseId, lineCode: line.code, amountCents: expense.amountCents, override, bookedOn: today, bookedAt: at }),
      ];
    }
    case 'PayExpense': {
      const expense = expenseOf(state, command.expenseId);
      if (expense.status !== 'Booked') throw budgetError('LEDGER.NOT_BOOKED', {
        message: `The expense is ${expense.status}`,
      });
      return [ExpensePaid({ expenseId: command.expenseId, paidOn: today, paidAt: at })];
    }
    case 'ReleaseReservation': {
      const reservation = reservationOf(state, command.reservationId);
      if (reservation.remainingCents <= 0) throw budgetError('LEDGER.NOTHING_RESERVED');
      return [
        ReservationReleased({
          reservationId: command.reservationId,
          reference: reservation.reference,
          lineCode: reservation.lineCode,
          amountCents: reservation.remainingCents,
          reason: command.reason,
          releasedOn: today,
          releasedAt: at,
        }),
      ];
    }
    case 'SettleRound':
      return settleRound(command, state);
    case 'BookDisbursement': {
      const { disbursementId, reservationId, amountCents, description } = command;
      if (state.entries.has(disbursementId)) return [];
      const reservation = reservationOf(state, reservationId);
      requireExactTotals(state, { spentCents: amountCents });
      if (amountCents > reservation.remainingCents) {
        throw budgetError('LEDGER.BEYOND_RESERVATION', {
          message: `The reservation has ${reservation.remainingCents} cents left`,
        });
      }
      return [
        DisbursementBooked({
          disbursementId,
          reservationId,
          reference: reservation.reference,
          lineCode: reservation.lineCode,
          amountCents,
          description,
          bookedOn: today,
          bookedAt: at,
        }),
      ];
    }
    case 'ReverseEntry': {
      const entry = state.entries.get(command.entryId);
      if (!entry) throw budgetError('LEDGER.NO_SUCH_ENTRY', { message: `No entry ${command.entryId} in this ledger` });
      const reversed = entry.kind === 'expense' ? entry.status === 'Reversed' : entry.reversed;
      if (reversed) throw budgetError('LEDGER.ALREADY_REVERSED');
      if (entry.kind === 'expense' && entry.status === 'AwaitingApproval') {
        throw budgetError('LEDGER.NOT_BOOKED');
      }
      return [
        EntryReversed({
          reversalId: command.reversalId,
          entryId: command.entryId,
          entryKind: entry.kind,
          lineCode: entry.lineCode,
          amountCents: entry.amountCents,
          reason: command.reason,
          reversedBy: command.by,
          reversedOn: today,
          reversedAt: at,
        }),
      ];
    }
    case 'CloseBooks':
      if (today <= period.lastDay) {
        throw budgetError('LEDGER.YEAR_NOT_ENDED', { message: `Financial year ${financialYear} ends on ${period.lastDay}` });
      }
      if (state.awaitingApproval > 0) {
        throw budgetError('LEDGER.EXPENSES_AWAITING_APPROVAL', {
          message: `${state.awaitingApproval} expense(s) await a second approver; approve them before closing the books`,
        });
      }
      return [BooksClosed({ financialYear, closedOn: today, closedBy: command.by, closedAt: at })];
    default:
      return assertNever(command);
  }
}

/** A reservation another context asked for: a refusal is an event it acts on, never an error it cannot. */
function reserve(command: Extract<LedgerCommand, { type: 'ReserveFunds' }>, state: LedgerState): LedgerEvent[] {
  const { reservationId, amountCents, reference, lineCode } = command;
  if (state.reservations.has(reservationId)) return [];
  const at = command.now.toISOString();
  const refuse = (availableCents: number, reason: string) => [
    ReservationRefused({ reservationId, lineCode, amountCents, availableCents, reference, reason, refusedAt: at }),
  ];
  const { budget } = command;
  if (!budget.adopted) return refuse(0, 'The budget has not been adopted');
  const { financialYear, period } = budget;
  const line = budget.lines.get(lineCode);
  if (state.closedOn !== null) return refuse(0, `The books of financial year ${financialYear} were closed on ${state.closedOn}`);
  if (command.today < period.firstDay) return refuse(0, `Financial year ${financialYear} begins on ${period.firstDay}`);
  if (!line || line.kind !== 'expense') return refuse(0, `The adopted budget has no expense line ${lineCode}`);
  const available = availableCents(state, line);
  if (available < amountCents && !command.override) return refuse(available, `Line ${line.code} has ${available} cents left`);
  const override = available < amountCents ? command.override : null;
  requireExactTotals(state, { reservedCents: amountCents });
  return [FundsReserved({ reservationId, lineCode, amountCents, reference, override, reservedOn: command.today, reservedAt: at })];
}

function settleRound(command: Extract<LedgerCommand, { type: 'SettleRound' }>, state: LedgerState): LedgerEvent[] {
  const round = reservationOf(state, command.reservationId);
  if (round.remainingCents === 0) return [];
  const winnersCents = command.winners.reduce((sum, winner) => sum + winner.amountCents, 0);
  if (winnersCents > round.remainingCents) {
    throw budgetError('LEDGER.BEYOND_RESERVATION', { message: `The winners cost ${winnersCents} cents; the round holds ${round.remainingCents}` });
  }
  const at = command.now.toISOString();
  const { lineCode } = round;
  return [
    ReservationReleased({ reservationId: command.reservationId, reference: round.reference, lineCode, amountCents: round.remainingCents, reason: command.reason, releasedOn: command.today, releasedAt: at }),
    ...command.winners.map((winner) =>
      FundsReserved({
        reservationId: winner.reservationId,
        lineCode,
        amountCents: winner.amountCents,
        reference: { kind: 'initiative', id: winner.initiativeId },
        override: null,
        reservedOn: command.today,
        reservedAt: at,
      }),
    ),
  ];
}

function refuseBooking(command: Extract<LedgerCommand, { type: 'RefuseBooking' }>, state: LedgerState): LedgerEvent[] {
  const { bookingId, kind, reservationId } = command;
  if (state.refusedBookings.has(bookingId)) return [];
  if (state.closedOn === null) throw budgetError('LEDGER.BOOKS_OPEN');
  return [
    BookingRefused({
      bookingId,
      kind,
      reservationId,
      reference: state.reservations.get(reservationId)?.reference ?? null,
      reason: `The books were closed on ${state.closedOn}`,
      refusedAt: command.now.toISOString(),
    }),
  ];
}

function lineOf(budget: AdoptedBudget, code: string, kind: BudgetLine['kind']): BudgetLine {
  const line = budget.lines.get(code);
  if (!line) {
    throw budgetError('LEDGER.LINE_NOT_IN_BUDGET', { message: `The adopted budget has no line ${code}` });
  }
  if (line.kind !== kind) throw budgetError('LEDGER.WRONG_LINE_KIND', { message: `Line ${code} is an ${line.kind} line` });
  return line;
}

/** The override to record when the amount exceeds what the line has left; refuses without one. */
function fundsFor(state: LedgerState, line: BudgetLine, amountCents: number, override: Override): Override {
  const available = availableCents(state, line);
  if (amountCents <= available) return null;
  if (!override) {
    throw budgetError('LEDGER.LINE_EXHAUSTED', {
      message: `Line ${line.code} has ${available} cents left; ${amountCents} asked`,
    });
  }
  return override;
}

function expenseOf(state: LedgerState, expenseId: string): Expense {
  const entry = state.entries.get(expenseId);
  if (entry?.kind !== 'expense') throw budgetError('LEDGER.NO_SUCH_EXPENSE', { message: `No expense ${expenseId}` });
  return entry;
}

function reservationOf(state: LedgerState, reservationId: string): Reservation {
  const reservation = state.reservations.get(reservationId);
  if (!reservation) throw budgetError('LEDGER.NO_SUCH_RESERVATION', { message: `No reservation ${reservationId}` });
  return reservation;
}

export const ledgerDecider: Decider<LedgerState, LedgerCommand, LedgerEvent> = { initialState, evolve, decide };

/** A budget's ledger: its stream opens with the first entry (or the close of an empty year), under the budget's id. */
export const ledgerAggregate = defineAggregate({
  category: 'ledger',
  decider: ledgerDecider,
  exists: (state): state is LedgerState => state.entries.size > 0 || state.closedOn !== null,
});
