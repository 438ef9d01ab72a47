import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { FinancialYearPeriod } from '@meent/membership/events';
import {
  AccountsExtensionDecided,
  AnnualAccountsAdopted,
  AnnualAccountsDrawnUp,
  AnnualAccountsNotAdopted,
  AuditCommitteeAppointed,
  AuditReportRecorded,
  BoardDischarged,
  DischargeNotGranted,
  type AnnualAccountsEvent,
  type Statements,
} from './annual-accounts.events.js';
import type { BudgetLine } from './budget.events.js';
import type { AdoptedBudget, LedgerState } from './ledger.decider.js';
import { budgetError } from './errors.js';

/** The latest round decided on one motion. */
interface Round {
  readonly motionId: string;
  readonly round: number;
}

export interface AnnualAccountsState {
  readonly committee: readonly string[];
  readonly drawnUpOn: string | null;
  readonly reportedBy: string | null;
  /** The assembly's latest decision on adopting the accounts, and whether it adopted them. */
  readonly adoption: (Round & { readonly adopted: boolean }) | null;
  readonly discharge: (Round & { readonly granted: boolean }) | null;
  /** Each extension motion's latest round, whether it passed, and the months it asked. */
  readonly extensions: ReadonlyMap<string, Round & { readonly passed: boolean; readonly months: number }>;
}

/** A member the secretary names for the audit committee, as the register has them now. */
export interface CommitteeCandidate {
  readonly memberId: string;
  /** 'member' for an admitted member who is not suspended. */
  readonly standing: string;
  readonly offices: readonly string[];
}

export const ACCOUNTS_DECISION_TYPES = ['annual-accounts', 'discharge', 'accounts-extension'] as const;

/** Every command names the budget whose year it is about: the stream is the budget's. */
type OfBudget = { readonly budgetId: string; readonly now: Date };

export type AnnualAccountsCommand = OfBudget &
  (
    | { readonly type: 'AppointAuditCommittee'; readonly candidates: readonly CommitteeCandidate[]; readonly by: string }
    | {
        readonly type: 'DrawUpAccounts';
        readonly statements: Statements;
        /** The day the year's books were closed; null while open. */
        readonly booksClosedOn: string | null;
        readonly today: string;
        readonly by: string;
      }
    | { readonly type: 'RecordAuditReport'; readonly by: string; readonly findings: string; readonly advisesAdoption: boolean }
    /** From a passed or rejected motion, through a reaction: never refused, so the reaction never stalls. */
    | {
        readonly type: 'RecordAccountsDecision';
        readonly decisionType: (typeof ACCOUNTS_DECISION_TYPES)[number];
        readonly motionId: string;
        readonly round: number;
        readonly passed: boolean;
        /** An extension's months; null for the other decisions. */
        readonly months: number | null;
      }
  );

export const initialState: AnnualAccountsState = {
  committee: [],
  drawnUpOn: null,
  reportedBy: null,
  adoption: null,
  discharge: null,
  extensions: new Map(),
};

/** BW 2:58 lid 1: the longest extension the assembly decided that still stands, four months at most. */
export function extensionMonthsOf(state: AnnualAccountsState): number {
  const standing = [...state.extensions.values()].filter((extension) => extension.passed).map((extension) => extension.months);
  return Math.min(4, Math.max(0, ...standing));
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * BW 2:58 lid 1: the board presents the accounts within six months after the financial year ends, or as many more
 * months (four at most) as the assembly extended it by — the last day it may, as an ISO date.
 */
export function presentationDeadline(period: FinancialYearPeriod, extensionMonths: number): string {
  const nextYear = new Date(`${addDays(period.lastDay, 1)}T00:00:00.000Z`);
  const firstLateDay = Date.UTC(nextYear.getUTCFullYear(), nextYear.getUTCMonth() + 6 + extensionMonths, nextYear.getUTCDate());
  return new Date(firstLateDay - 86_400_000).toISOString().slice(0, 10);
}

export const DEADLINE_STATUSES = ['open', 'overdue', 'met', 'late'] as const;
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

/** Whether the accounts were presented in time, are still due, or are overdue on `today`. */
export function deadlineStatus(presentBy: string, presentedOn: string | null, today: string): DeadlineStatus {
  if (presentedOn !== null) return presentedOn <= presentBy ? 'met' : 'late';
  return today > presentBy ? 'overdue' : 'open';
}

/**
 * The year's statements from its closed ledger: income and expenditure per line against the budget in force, and the
 * balance sheet, in which the cash is what is owed plus the result — the earmarked part of it reserved for initiatives.
 */
export function statementsOf(ledger: LedgerState, budget: AdoptedBudget): Statements {
  const codes = [...new Set([...budget.lines.keys(), ...Object.keys(ledger.totals)])].sort();
  const lines = codes.map((code) => {
    const budgeted: BudgetLine | undefined = budget.lines.get(code);
    const totals = ledger.totals[code] ?? { receivedCents: 0, spentCents: 0, reservedCents: 0 };
    const kind = budgeted?.kind ?? (totals.receivedCents !== 0 ? 'income' : 'expense');
    return {
      code,
      name: budgeted?.name ?? code,
      kind,
      budgetedCents: budgeted?.amountCents ?? 0,
      actualCents: kind === 'income' ? totals.receivedCents : totals.spentCents,
    };
  });
  const sum = (kind: BudgetLine['kind']) => lines.filter((line) => line.kind === kind).reduce((total, line) => total + line.actualCents, 0);
  const incomeCents = sum('income');
  const expenditureCents = sum('expense');
  const resultCents = incomeCents - expenditureCents;
  const earmarkedReserveCents = Object.values(ledger.totals).reduce((total, line) => total + line.reservedCents, 0);
  return {
    financialYear: budget.financialYear,
    period: budget.period,
    incomeAndExpenditure: { lines, incomeCents, expenditureCents, resultCents },
    balanceSheet: {
      cashCents: ledger.cashCents,
      payablesCents: ledger.payablesCents,
      earmarkedReserveCents,
      generalReserveCents: resultCents - earmarkedReserveCents,
    },
  };
}

export function evolve(state: AnnualAccountsState, event: AnnualAccountsEvent): AnnualAccountsState {
  switch (event.type) {
    case 'AuditCommitteeAppointed':
      return { ...state, committee: event.data.memberIds };
    case 'AnnualAccountsDrawnUp':
      return { ...state, drawnUpOn: event.data.drawnUpOn };
    case 'AuditReportRecorded':
      return { ...state, reportedBy: event.data.reportedBy };
    case 'AccountsExtensionDecided': {
      const { motionId, round, passed, months } = event.data;
      return { ...state, extensions: new Map(state.extensions).set(motionId, { motionId, round, passed, months }) };
    }
    case 'AnnualAccountsAdopted':
    case 'AnnualAccountsNotAdopted': {
      const { motionId, round } = event.data;
      const adopted = event.type === 'AnnualAccountsAdopted';
      return { ...state, adoption: { motionId, round, adopted } };
    }
    case 'BoardDischarged':
    case 'DischargeNotGranted': {
      const { motionId, round } = event.data;
      const granted = event.type === 'BoardDischarged';
      return { ...state, discharge: { motionId, round, granted } };
    }
    default:
      return assertNever(event);
  }
}

export function decide(command: AnnualAccountsCommand, state: AnnualAccountsState): AnnualAccountsEvent[] {
  const at = command.now.toISOString();
  const { budgetId } = command;
  switch (command.type) {
    case 'AppointAuditCommittee':
      if (state.reportedBy !== null) throw budgetError('ACCOUNTS.REPORT_ALREADY_RECORDED');
      return [AuditCommitteeAppointed({ budgetId, memberIds: committeeOf(command.candidates), appointedBy: command.by, appointedAt: at })];
    case 'DrawUpAccounts':
      if (state.drawnUpOn !== null) throw budgetError('ACCOUNTS.ALREADY_DRAWN_UP', { message: `The accounts were drawn up on ${state.drawnUpOn}` });
      if (command.booksClosedOn === null) throw budgetError('ACCOUNTS.BOOKS_OPEN');
      return [AnnualAccountsDrawnUp({ budgetId, statements: command.statements, drawnUpOn: command.today, drawnUpBy: command.by, drawnUpAt: at })];
    case 'RecordAuditReport':
      if (state.drawnUpOn === null) throw budgetError('ACCOUNTS.NOT_DRAWN_UP');
      if (!state.committee.includes(command.by)) throw budgetError('ACCOUNTS.NOT_ON_THE_COMMITTEE');
      if (state.reportedBy !== null) throw budgetError('ACCOUNTS.REPORT_ALREADY_RECORDED');
      return [
        AuditReportRecorded({ budgetId, reportedBy: command.by, findings: command.findings, advisesAdoption: command.advisesAdoption, reportedAt: at }),
      ];
    case 'RecordAccountsDecision':
      return recordDecision(command, state);
    default:
      return assertNever(command);
  }
}

/** BW 2:48 lid 2: at least two members, admitted and not suspended, none of them on the board. */
function committeeOf(candidates: readonly CommitteeCandidate[]): string[] {
  const memberIds = [...new Set(candidates.map((candidate) => candidate.memberId))];
  if (memberIds.length < 2) throw budgetError('ACCOUNTS.COMMITTEE_TOO_SMALL');
  for (const candidate of candidates) {
    if (candidate.standing !== 'member') {
      throw budgetError('ACCOUNTS.COMMITTEE_MEMBER_NOT_ADMITTED', { message: `${candidate.memberId} is not an admitted member in good standing` });
    }
    if (candidate.offices.length > 0) {
      throw budgetError('ACCOUNTS.COMMITTEE_MEMBER_ON_THE_BOARD', {
        message: `${candidate.memberId} holds the office of ${candidate.offices.join(' and ')}: the board does not examine its own accounts`,
      });
    }
  }
  return memberIds;
}

/** Whether a round of a motion was recorded already: decisions are delivered at least once. */
const seen = (decided: Round | null | undefined, motionId: string, round: number) =>
  decided !== null && decided !== undefined && decided.motionId === motionId && round <= decided.round;

function recordDecision(
  command: Extract<AnnualAccountsCommand, { type: 'RecordAccountsDecision' }>,
  state: AnnualAccountsState,
): AnnualAccountsEvent[] {
  const { budgetId, motionId, round, passed } = command;
  const decidedAt = command.now.toISOString();
  switch (command.decisionType) {
    case 'accounts-extension': {
      if (seen(state.extensions.get(motionId), motionId, round)) return [];
      const months = command.months ?? 0;
      const after = evolve(state, AccountsExtensionDecided({ budgetId, motionId, round, passed, months, extensionMonths: 0, decidedAt }));
      return [AccountsExtensionDecided({ budgetId, motionId, round, passed, months, extensionMonths: extensionMonthsOf(after), decidedAt })];
    }
    case 'annual-accounts': {
      const { adoption } = state;
      if (seen(adoption, motionId, round)) return [];
      // Another motion does not undo an adoption: only a new vote on the same one does (BW 2:13 lid 4).
      if (adoption?.adopted && adoption.motionId !== motionId) return [];
      const notAdopted = (reason: string) => [AnnualAccountsNotAdopted({ budgetId, motionId, round, reason, decidedAt })];
      if (!passed) {
        return notAdopted(
          adoption?.adopted ? 'A new vote went against the accounts, which undoes their adoption (BW 2:13 lid 4)' : 'The assembly voted against the accounts',
        );
      }
      if (state.drawnUpOn === null) return notAdopted('No accounts had been drawn up to adopt');
      if (state.reportedBy === null) return notAdopted("The audit committee's report was not on record (BW 2:48 lid 2)");
      return [AnnualAccountsAdopted({ budgetId, motionId, round, adoptedAt: decidedAt })];
    }
    case 'discharge': {
      const { discharge } = state;
      if (seen(discharge, motionId, round)) return [];
      if (discharge?.granted && discharge.motionId !== motionId) return [];
      const notGranted = (reason: string) => [DischargeNotGranted({ budgetId, motionId, round, reason, decidedAt })];
      if (!passed) {
        return notGranted(discharge?.granted ? 'A new vote went against the discharge, which undoes it (BW 2:13 lid 4)' : 'The assembly voted against the discharge');
      }
      if (!state.adoption?.adopted) return notGranted('The accounts are not adopted: the board is discharged for a year as its adopted accounts show it');
      return [BoardDischarged({ budgetId, motionId, round, dischargedAt: decidedAt })];
    }
    default:
      return assertNever(command.decisionType);
  }
}

export const annualAccountsDecider: Decider<AnnualAccountsState, AnnualAccountsCommand, AnnualAccountsEvent> = { initialState, evolve, decide };

/** A budget's year's accounts: the stream opens with whatever of the cycle comes first, under the budget's id. */
export const annualAccountsAggregate = defineAggregate({
  category: 'annual-accounts',
  decider: annualAccountsDecider,
  exists: (state): state is AnnualAccountsState =>
    state.committee.length > 0 || state.drawnUpOn !== null || state.extensions.size > 0 || state.adoption !== null || state.discharge !== null,
});
