import { assertNever, defineAggregate, type Decider, type EventOf } from '@meent/eventsourcing';
import {
  FundingApproved,
  FundingRejected,
  IndicatorDefined,
  ProgressReported,
  FundingRevoked,
  InitiativeAwaitingFunds,
  InitiativeCompleted,
  InitiativeFundsReserved,
  InitiativeReviewed,
  InitiativeSubmitted,
  InitiativeWithdrawn,
  RepaymentClaimed,
  ReservationRetried,
  RevokedReservationReturned,
  TrancheApprovalGiven,
  TrancheApproved,
  TrancheDisbursed,
  TrancheRequested,
  type Applicant,
  type InitiativeEvent,
  type INITIATIVE_KINDS,
} from './initiative.events.js';
import { initiativeError } from './errors.js';

interface Tranche {
  readonly amountCents: number;
  readonly approvers: readonly string[];
  readonly status: 'Requested' | 'Approved' | 'Disbursed';
}

interface Submitted {
  readonly initiativeId: string;
  readonly cooperativeId: string;
  readonly applicant: Applicant;
  readonly requestedCents: number;
  readonly budgetId: string;
  readonly lineCode: string;
  readonly planned: readonly { readonly amountCents: number; readonly milestone: string }[];
  readonly reservationAttempt: number;
  readonly reservationId: string | null;
  readonly tranches: readonly Tranche[];
  readonly disbursedCents: number;
  readonly claimedCents: number;
  /** The assembly's vote that decided the funding, while it stands: a later round of the same motion may undo it. */
  readonly assemblyDecision: { readonly motionId: string; readonly round: number } | null;
  /** Whether the grant was revoked by a new vote (BW 2:13 lid 4). */
  readonly revoked: boolean;
  /** The participatory budgeting round whose vote decides it, if it is a proposal in one. */
  readonly roundId: string | null;
  readonly themes: readonly string[];
  readonly kind: (typeof INITIATIVE_KINDS)[number];
  /** Its indicators by id, each with its theme. */
  readonly indicators: ReadonlyMap<string, string>;
  /** Progress reports on record, by id, so a report sent twice is recorded once. */
  readonly reports: ReadonlySet<string>;
}

export type InitiativeState =
  | { readonly status: 'NotSubmitted' }
  | (Submitted & {
      readonly status: 'Submitted' | 'Approved' | 'AwaitingFunds' | 'Funded' | 'Rejected' | 'Completed' | 'Withdrawn';
    });

export type SubmittedInitiative = Exclude<InitiativeState, { status: 'NotSubmitted' }>;

type Board = { readonly deciders: readonly string[] };

export type InitiativeCommand =
  | {
      readonly type: 'SubmitInitiative';
      readonly initiativeId: string;
      readonly cooperativeId: string;
      readonly applicant: Applicant;
      readonly submittedBy: string;
      readonly title: string;
      readonly description: string;
      readonly requestedCents: number;
      readonly budgetId: string;
      readonly lineCode: string;
      readonly tranches: readonly { readonly amountCents: number; readonly milestone: string }[];
      readonly themes: readonly string[];
      readonly kind: (typeof INITIATIVE_KINDS)[number];
      /** The theme codes the cooperative's rules name. */
      readonly cooperativeThemes: readonly string[];
      readonly roundId?: string;
      readonly agreement?: { readonly agreementId: string; readonly year: number };
      readonly now: Date;
    }
  | { readonly type: 'ReviewInitiative'; readonly reviewedBy: string; readonly advice: 'grant' | 'grant-in-part' | 'reject'; readonly notes: string; readonly now: Date }
  | ({
      readonly type: 'DecideByBoard';
      readonly approve: boolean;
      readonly reason: string;
      readonly boardMandateCents: number;
      readonly now: Date;
    } & Board)
  | { readonly type: 'RecordAssemblyDecision'; readonly motionId: string; readonly round: number; readonly passed: boolean; readonly now: Date }
  | {
      readonly type: 'RecordRoundOutcome';
      readonly roundId: string;
      /** Funded, with the reservation the round's money was settled into; or not, and why. */
      readonly outcome: { readonly selected: true; readonly reservationId: string } | { readonly selected: false; readonly reason: string };
      readonly now: Date;
    }
  | { readonly type: 'RecordReservation'; readonly reservationId: string; readonly amountCents: number; readonly now: Date }
  | { readonly type: 'RecordReservationRefused'; readonly availableCents: number; readonly reason: string; readonly now: Date }
  | { readonly type: 'RetryReservation'; readonly now: Date }
  | ({ readonly type: 'RejectForLackOfFunds'; readonly now: Date } & Board)
  | {
      readonly type: 'RequestTranche';
      readonly progressReport: string;
      readonly spentSoFarCents: number;
      /** The year's figures the report brings, if it brings any. */
      readonly results: Results | null;
      readonly now: Date;
    }
  | ({
      readonly type: 'DefineIndicator';
      readonly indicatorId: string;
      readonly name: string;
      readonly unit: string;
      readonly theme: string;
      readonly baseline: { readonly year: number; readonly value: number };
      readonly targets: readonly { readonly year: number; readonly value: number }[];
      readonly definedBy: string;
    } & { readonly now: Date })
  | ({ readonly type: 'ReportProgress'; readonly results: Results } & { readonly now: Date })
  | { readonly type: 'ApproveTranche'; readonly trancheNumber: number; readonly approvedBy: string; readonly now: Date }
  | { readonly type: 'RecordDisbursement'; readonly amountCents: number; readonly now: Date }
  | { readonly type: 'CompleteInitiative'; readonly finalReport: string; readonly now: Date }
  | { readonly type: 'WithdrawInitiative'; readonly reason: string; readonly now: Date }
  | { readonly type: 'ClaimRepayment'; readonly amountCents: number; readonly reason: string; readonly claimedBy: string; readonly now: Date };

/** A progress report's figures: the year, actual values per indicator, and participation as counts. */
export interface Results {
  readonly reportId: string;
  readonly year: number;
  readonly actuals: readonly { readonly indicatorId: string; readonly value: number }[];
  readonly participation: ProgressParticipation;
  /** A social enterprise's own income in the year so far; null for a community initiative. */
  readonly ownIncomeCents: number | null;
  readonly reportedBy: string;
}
type ProgressParticipation = EventOf<typeof ProgressReported>['data']['participation'];

export const initiativeStream = (initiativeId: string) => initiativeAggregate.stream(initiativeId);

export const initialState: InitiativeState = { status: 'NotSubmitted' };

export const applicantMemberOf = (applicant: Applicant): string | null => (applicant.kind === 'member' ? applicant.memberId : null);

function withTranche(state: SubmittedInitiative, trancheNumber: number, change: (tranche: Tranche) => Tranche): readonly Tranche[] {
  return state.tranches.map((tranche, index) => (index + 1 === trancheNumber ? change(tranche) : tranche));
}

export function evolve(state: InitiativeState, event: InitiativeEvent): InitiativeState {
  if (event.type === 'InitiativeSubmitted') {
    const { initiativeId, cooperativeId, applicant, requestedCents, budgetId, lineCode, tranches, roundId, themes, kind } = event.data;
    return {
      status: 'Submitted',
      initiativeId,
      cooperativeId,
      applicant,
      requestedCents,
      budgetId,
      lineCode,
      planned: tranches,
      reservationAttempt: 0,
      reservationId: null,
      tranches: [],
      disbursedCents: 0,
      claimedCents: 0,
      assemblyDecision: null,
      revoked: false,
      roundId: roundId ?? null,
      themes,
      kind,
      indicators: new Map(),
      reports: new Set(),
    };
  }
  if (state.status === 'NotSubmitted') return state;
  switch (event.type) {
    case 'InitiativeReviewed':
      return state;
    case 'FundingApproved':
      return { ...state, status: 'Approved', reservationAttempt: 1, revoked: false, assemblyDecision: assemblyDecisionOf(event.data.decidedBy) };
    case 'FundingRejected':
      return { ...state, status: 'Rejected', assemblyDecision: assemblyDecisionOf(event.data.decidedBy) };
    case 'FundingRevoked':
      return { ...state, status: 'Rejected', revoked: true, assemblyDecision: { motionId: event.data.motionId, round: event.data.round } };
    case 'RevokedReservationReturned':
      return state;
    case 'InitiativeFundsReserved':
      return { ...state, status: 'Funded', reservationId: event.data.reservationId };
    case 'InitiativeAwaitingFunds':
      return { ...state, status: 'AwaitingFunds' };
    case 'ReservationRetried':
      return { ...state, status: 'Approved', reservationAttempt: event.data.attempt };
    case 'TrancheRequested':
      return { ...state, tranches: [...state.tranches, { amountCents: event.data.amountCents, approvers: [], status: 'Requested' }] };
    case 'TrancheApprovalGiven':
      return {
        ...state,
        tranches: withTranche(state, event.data.trancheNumber, (tranche) => ({ ...tranche, approvers: [...tranche.approvers, event.data.approvedBy] })),
      };
    case 'TrancheApproved':
      return { ...state, tranches: withTranche(state, event.data.trancheNumber, (tranche) => ({ ...tranche, status: 'Approved' })) };
    case 'TrancheDisbursed':
      return {
        ...state,
        disbursedCents: state.disbursedCents + event.data.amountCents,
        tranches: withTranche(state, event.data.trancheNumber, (tranche) => ({ ...tranche, status: 'Disbursed' })),
      };
    case 'InitiativeCompleted':
      return { ...state, status: 'Completed' };
    case 'InitiativeWithdrawn':
      return { ...state, status: 'Withdrawn' };
    case 'RepaymentClaimed':
      return { ...state, claimedCents: state.claimedCents + event.data.amountCents };
    case 'IndicatorDefined':
      return { ...state, indicators: new Map(state.indicators).set(event.data.indicatorId, event.data.theme) };
    case 'ProgressReported':
      return { ...state, reports: new Set(state.reports).add(event.data.reportId) };
    default:
      return assertNever(event);
  }
}

const assemblyDecisionOf = (decidedBy: { kind: 'board' | 'participatory-budget' } | { kind: 'assembly'; motionId: string; round: number }) =>
  decidedBy.kind === 'assembly' ? { motionId: decidedBy.motionId, round: decidedBy.round } : null;

/**
 * A new round of the motion that decided the funding, after its result was challenged (BW 2:13 lid 4): the same
 * outcome changes nothing; a grant voted down is revoked, its reservation given back; a refusal voted through is a
 * grant. An earlier round, delivered late, changes nothing either.
 */
function decideAgain(command: Extract<InitiativeCommand, { type: 'RecordAssemblyDecision' }>, state: SubmittedInitiative): InitiativeEvent[] {
  const { initiativeId, cooperativeId, budgetId } = state;
  const { motionId, round, passed } = command;
  const at = command.now.toISOString();
  if (state.assemblyDecision === null || round <= state.assemblyDecision.round) return [];
  const granted = state.status === 'Approved' || state.status === 'AwaitingFunds' || state.status === 'Funded';
  if (granted && !passed) {
    return [FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId: state.reservationId, motionId, round, revokedAt: at })];
  }
  if (state.status === 'Rejected' && passed) {
    const decidedBy = { kind: 'assembly' as const, motionId, round };
    return [FundingApproved({ initiativeId, cooperativeId, amountCents: state.requestedCents, budgetId, lineCode: state.lineCode, decidedBy, approvedAt: at })];
  }
  return [];
}

export function decide(command: InitiativeCommand, state: InitiativeState): InitiativeEvent[] {
  if (command.type === 'SubmitInitiative') return submit(command, state);
  if (state.status === 'NotSubmitted') throw initiativeError('INITIATIVE.NOT_FOUND');
  const at = command.now.toISOString();
  const { initiativeId, cooperativeId, budgetId } = state;
  switch (command.type) {
    case 'ReviewInitiative':
      requireStatus(state, 'Submitted');
      requireNotApplicant(state, [command.reviewedBy]);
      return [InitiativeReviewed({ initiativeId, reviewedBy: command.reviewedBy, advice: command.advice, notes: command.notes, reviewedAt: at })];
    case 'DecideByBoard': {
      requireStatus(state, 'Submitted');
      if (state.roundId !== null) throw initiativeError('INITIATIVE.IN_ROUND');
      if (state.requestedCents > command.boardMandateCents) {
        throw initiativeError('INITIATIVE.ABOVE_BOARD_MANDATE', {
          message: `${state.requestedCents} cents is above the board's mandate of ${command.boardMandateCents}: the assembly decides`,
        });
      }
      requireNotApplicant(state, command.deciders);
      const decidedBy = { kind: 'board' as const, boardMembers: [...command.deciders] };
      return [
        command.approve
          ? FundingApproved({ initiativeId, cooperativeId, amountCents: state.requestedCents, budgetId, lineCode: state.lineCode, decidedBy, approvedAt: at })
          : FundingRejected({ initiativeId, decidedBy, reason: command.reason, rejectedAt: at }),
      ];
    }
    case 'RecordAssemblyDecision': {
      // A proposal in a participatory budgeting round is decided by the round's vote, not by a motion about it.
      if (state.roundId !== null) return [];
      // A later round of the motion that decided: the new vote cancels the first one's effects (BW 2:13 lid 4).
      if (state.assemblyDecision?.motionId === command.motionId) return decideAgain(command, state);
      // The assembly is the cooperative's highest body: it may decide any request. A decision already taken stands.
      if (state.status !== 'Submitted') return [];
      const decidedBy = { kind: 'assembly' as const, motionId: command.motionId, round: command.round };
      return [
        command.passed
          ? FundingApproved({ initiativeId, cooperativeId, amountCents: state.requestedCents, budgetId, lineCode: state.lineCode, decidedBy, approvedAt: at })
          : FundingRejected({ initiativeId, decidedBy, reason: 'The general assembly voted the funding down', rejectedAt: at }),
      ];
    }
    case 'RecordRoundOutcome': {
      if (state.roundId !== command.roundId || state.status !== 'Submitted') return [];
      const decidedBy = { kind: 'participatory-budget' as const, roundId: command.roundId };
      if (!command.outcome.selected) return [FundingRejected({ initiativeId, decidedBy, reason: command.outcome.reason, rejectedAt: at })];
      // The round's money was on the line already: it is settled into this initiative's own reservation.
      const { reservationId } = command.outcome;
      return [
        FundingApproved({ initiativeId, cooperativeId, amountCents: state.requestedCents, budgetId, lineCode: state.lineCode, decidedBy, approvedAt: at }),
        InitiativeFundsReserved({ initiativeId, reservationId, amountCents: state.requestedCents, reservedAt: at }),
      ];
    }
    case 'RecordReservation':
      if (state.revoked && state.reservationId === null) {
        return [RevokedReservationReturned({ initiativeId, cooperativeId, budgetId, reservationId: command.reservationId, returnedAt: at })];
      }
      if (state.status !== 'Approved') return [];
      return [InitiativeFundsReserved({ initiativeId, reservationId: command.reservationId, amountCents: command.amountCents, reservedAt: at })];
    case 'RecordReservationRefused':
      if (state.status !== 'Approved') return [];
      return [InitiativeAwaitingFunds({ initiativeId, availableCents: command.availableCents, reason: command.reason, refusedAt: at })];
    case 'RetryReservation':
      requireStatus(state, 'AwaitingFunds');
      return [
        ReservationRetried({
          initiativeId,
          cooperativeId,
          attempt: state.reservationAttempt + 1,
          amountCents: state.requestedCents,
          budgetId,
          lineCode: state.lineCode,
          retriedAt: at,
        }),
      ];
    case 'RejectForLackOfFunds':
      requireStatus(state, 'AwaitingFunds');
      requireNotApplicant(state, command.deciders);
      return [
        FundingRejected({
          initiativeId,
          decidedBy: { kind: 'board', boardMembers: [...command.deciders] },
          reason: 'The budget line has too little left; the board rejects rather than waits',
          rejectedAt: at,
        }),
      ];
    case 'RequestTranche': {
      requireStatus(state, 'Funded');
      if (state.tranches.some((tranche) => tranche.status !== 'Disbursed')) {
        throw initiativeError('INITIATIVE.TRANCHE_PENDING');
      }
      const planned = state.planned[state.tranches.length];
      if (!planned) throw initiativeError('INITIATIVE.NO_TRANCHES_LEFT');
      const trancheNumber = state.tranches.length + 1;
      return [
        TrancheRequested({
          initiativeId,
          trancheNumber,
          amountCents: planned.amountCents,
          progressReport: command.progressReport,
          spentSoFarCents: command.spentSoFarCents,
          requestedAt: at,
        }),
        ...(command.results ? reportProgress(state, command.results, trancheNumber, at) : []),
      ];
    }
    case 'DefineIndicator': {
      requireStatus(state, 'Submitted', 'Approved', 'AwaitingFunds', 'Funded');
      if (state.indicators.has(command.indicatorId)) return [];
      if (!state.themes.includes(command.theme)) {
        throw initiativeError('INITIATIVE.UNKNOWN_THEME', { message: `The initiative works on ${state.themes.join(', ') || 'no theme'}, not ${command.theme}` });
      }
      const years = command.targets.map((target) => target.year);
      if (new Set(years).size !== years.length || years.some((year) => year <= command.baseline.year)) {
        throw initiativeError('INITIATIVE.TARGETS_BEFORE_BASELINE');
      }
      const { indicatorId, name, unit, theme, baseline, targets, definedBy } = command;
      return [IndicatorDefined({ initiativeId, indicatorId, name, unit, theme, baseline, targets: [...targets], definedBy, definedAt: at })];
    }
    case 'ReportProgress':
      requireStatus(state, 'Funded', 'Completed');
      return reportProgress(state, command.results, null, at);
    case 'ApproveTranche': {
      requireStatus(state, 'Funded');
      const tranche = state.tranches[command.trancheNumber - 1];
      if (!tranche || tranche.status !== 'Requested') {
        throw initiativeError('INITIATIVE.TRANCHE_NOT_AWAITING_APPROVAL', {
          message: `Tranche ${command.trancheNumber} awaits no approval`,
        });
      }
      requireNotApplicant(state, [command.approvedBy]);
      if (tranche.approvers.includes(command.approvedBy)) {
        throw initiativeError('INITIATIVE.SAME_APPROVER');
      }
      const given = TrancheApprovalGiven({ initiativeId, trancheNumber: command.trancheNumber, approvedBy: command.approvedBy, approvedAt: at });
      if (tranche.approvers.length === 0) return [given];
      return [
        given,
        TrancheApproved({
          initiativeId,
          cooperativeId,
          budgetId,
          reservationId: state.reservationId ?? '',
          trancheNumber: command.trancheNumber,
          amountCents: tranche.amountCents,
          approvers: [tranche.approvers[0]!, command.approvedBy],
          approvedAt: at,
        }),
      ];
    }
    case 'RecordDisbursement': {
      const index = state.tranches.findIndex((tranche) => tranche.status === 'Approved');
      if (index < 0) return [];
      return [TrancheDisbursed({ initiativeId, trancheNumber: index + 1, amountCents: command.amountCents, disbursedAt: at })];
    }
    case 'CompleteInitiative':
      requireStatus(state, 'Funded');
      if (state.tranches.some((tranche) => tranche.status !== 'Disbursed')) {
        throw initiativeError('INITIATIVE.TRANCHE_PENDING', { message: 'A tranche is still on its way' });
      }
      return [InitiativeCompleted({ initiativeId, cooperativeId, budgetId, reservationId: state.reservationId, finalReport: command.finalReport, completedAt: at })];
    case 'WithdrawInitiative':
      requireStatus(state, 'Submitted', 'Approved', 'AwaitingFunds', 'Funded');
      // On the ballot, a proposal stays until the round decides it: its money may be settled on it in the meantime.
      if (state.roundId !== null && state.status === 'Submitted') throw initiativeError('INITIATIVE.IN_ROUND');
      return [InitiativeWithdrawn({ initiativeId, cooperativeId, budgetId, reservationId: state.reservationId, reason: command.reason, withdrawnAt: at })];
    case 'ClaimRepayment':
      requireStatus(state, 'Funded', 'Completed', 'Withdrawn');
      if (command.amountCents > state.disbursedCents - state.claimedCents) {
        throw initiativeError('INITIATIVE.CLAIM_BEYOND_PAID', {
          message: `Only ${state.disbursedCents - state.claimedCents} cents were paid out and not yet claimed`,
        });
      }
      return [RepaymentClaimed({ initiativeId, amountCents: command.amountCents, reason: command.reason, claimedBy: command.claimedBy, claimedAt: at })];
    default:
      return assertNever(command);
  }
}

function submit(command: Extract<InitiativeCommand, { type: 'SubmitInitiative' }>, state: InitiativeState): InitiativeEvent[] {
  if (state.status !== 'NotSubmitted') throw initiativeError('INITIATIVE.EXISTS');
  const planned = command.tranches.reduce((sum, tranche) => sum + tranche.amountCents, 0);
  if (planned !== command.requestedCents) {
    throw initiativeError('INITIATIVE.TRANCHES_DO_NOT_ADD_UP', {
      message: `The tranches add up to ${planned} cents; ${command.requestedCents} requested`,
    });
  }
  if (command.themes.length === 0) throw initiativeError('INITIATIVE.NO_THEME');
  const unknown = command.themes.filter((theme) => !command.cooperativeThemes.includes(theme));
  if (unknown.length > 0) {
    throw initiativeError('INITIATIVE.UNKNOWN_THEME', { message: `Not a theme of this cooperative: ${unknown.join(', ')}; its themes are ${command.cooperativeThemes.join(', ')}` });
  }
  const { now, type: _type, cooperativeThemes: _themes, ...data } = command;
  return [InitiativeSubmitted({ ...data, themes: [...new Set(data.themes)], tranches: [...data.tranches], submittedAt: now.toISOString() })];
}

/** A progress report's figures: only for the initiative's own indicators; sent twice, recorded once. */
function reportProgress(state: SubmittedInitiative, results: Results, trancheNumber: number | null, at: string): InitiativeEvent[] {
  if (state.reports.has(results.reportId)) return [];
  const unknown = results.actuals.filter((actual) => !state.indicators.has(actual.indicatorId));
  if (unknown.length > 0) throw initiativeError('INITIATIVE.UNKNOWN_INDICATOR', { message: `Not an indicator of this initiative: ${unknown.map((actual) => actual.indicatorId).join(', ')}` });
  const named = results.actuals.map((actual) => actual.indicatorId);
  if (new Set(named).size !== named.length) throw initiativeError('INITIATIVE.INDICATOR_TWICE');
  if (results.ownIncomeCents !== null && state.kind !== 'social-enterprise') throw initiativeError('INITIATIVE.NOT_A_SOCIAL_ENTERPRISE');
  const { reportId, year, participation, ownIncomeCents, reportedBy } = results;
  return [
    ProgressReported({ initiativeId: state.initiativeId, reportId, year, actuals: [...results.actuals], participation, ownIncomeCents, trancheNumber, reportedBy, reportedAt: at }),
  ];
}

function requireStatus(state: SubmittedInitiative, ...allowed: SubmittedInitiative['status'][]): void {
  if (!allowed.includes(state.status)) {
    throw initiativeError('INITIATIVE.WRONG_STATE', {
      message: `The initiative is ${state.status}; this needs ${allowed.join(' or ')}`,
    });
  }
}

/** The applicant decides, approves and reviews nothing about their own initiative (BW 2:12, WBTR). */
function requireNotApplicant(state: SubmittedInitiative, people: readonly string[]): void {
  const applicant = applicantMemberOf(state.applicant);
  if (applicant && people.includes(applicant)) {
    throw initiativeError('INITIATIVE.RECUSED');
  }
}

export const initiativeDecider: Decider<InitiativeState, InitiativeCommand, InitiativeEvent> = { initialState, evolve, decide };

export const initiativeAggregate = defineAggregate({
  category: 'initiative',
  decider: initiativeDecider,
  exists: (state): state is SubmittedInitiative => state.status !== 'NotSubmitted',
});
