import { assertNever, defineAggregate, type Decider } from '@meent/eventsourcing';
import type { z } from 'zod';
import { ContinuationReviewed, FundingAgreementMade, type AgreementEvent, type CONTINUATION_OUTCOMES, type yearGrantSchema } from './agreement.events.js';
import { agreementError } from './errors.js';

interface Made {
  readonly agreementId: string;
  readonly initiativeId: string;
  readonly firstYear: number;
  readonly lastYear: number;
  readonly yearlyCents: number;
  /** The last year decided: the first year's grant, then each review's. */
  readonly decidedUpTo: number;
}

/** Running while years remain to review; Ended by a review, or Completed once its last year is reviewed. */
export type AgreementState = { readonly status: 'None' } | (Made & { readonly status: 'Running' | 'Ended' | 'Completed' });

export type AgreementCommand =
  | {
      readonly type: 'MakeAgreement';
      readonly agreementId: string;
      readonly cooperativeId: string;
      readonly initiativeId: string;
      /** The first year's grant as it stands: only a granted initiative takes an agreement. */
      readonly initiativeGranted: boolean;
      readonly applicantMemberId: string | null;
      readonly firstYear: number;
      readonly lastYear: number;
      readonly yearlyCents: number;
      readonly madeBy: readonly string[];
      readonly now: Date;
    }
  | {
      readonly type: 'ReviewContinuation';
      readonly year: number;
      readonly outcome: (typeof CONTINUATION_OUTCOMES)[number];
      /** The year's amount for `adjusted`; the agreement's for `continued`; none for `ended`. */
      readonly yearlyCents: number | null;
      readonly reason: string;
      readonly reviewedBy: readonly string[];
      readonly applicantMemberId: string | null;
      /** The continued year's grant: the application fills it in from the agreement's initiative and the year's budget. */
      readonly grant: z.infer<typeof yearGrantSchema> | null;
      readonly now: Date;
    };

export const initialState: AgreementState = { status: 'None' };

export function evolve(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'FundingAgreementMade': {
      const { agreementId, initiativeId, firstYear, lastYear, yearlyCents } = event.data;
      return { status: 'Running', agreementId, initiativeId, firstYear, lastYear, yearlyCents, decidedUpTo: firstYear };
    }
    case 'ContinuationReviewed': {
      if (state.status === 'None') return state;
      const { year, outcome, yearlyCents } = event.data;
      if (outcome === 'ended') return { ...state, status: 'Ended', decidedUpTo: year };
      return { ...state, status: year === state.lastYear ? 'Completed' : 'Running', decidedUpTo: year, yearlyCents: yearlyCents ?? state.yearlyCents };
    }
    default:
      return assertNever(event);
  }
}

export function decide(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  const at = command.now.toISOString();
  if (command.type === 'MakeAgreement') {
    if (state.status !== 'None') throw agreementError('AGREEMENT.EXISTS');
    if (!command.initiativeGranted) throw agreementError('AGREEMENT.NOT_GRANTED');
    if (command.lastYear <= command.firstYear || command.lastYear - command.firstYear > 9) throw agreementError('AGREEMENT.YEARS');
    requireNotApplicant(command.madeBy, command.applicantMemberId);
    const { agreementId, cooperativeId, initiativeId, firstYear, lastYear, yearlyCents, madeBy } = command;
    return [FundingAgreementMade({ agreementId, cooperativeId, initiativeId, firstYear, lastYear, yearlyCents, madeBy: [...madeBy], madeAt: at })];
  }
  if (state.status === 'None') throw agreementError('AGREEMENT.NOT_FOUND');
  return review(command, state);
}

/**
 * The next year's review, in order: continued at the agreement's amount, adjusted to another, or ended — each with the
 * reason on record. A continued year's grant plans its tranches to add up to the year's amount.
 */
function review(command: Extract<AgreementCommand, { type: 'ReviewContinuation' }>, state: Exclude<AgreementState, { status: 'None' }>): AgreementEvent[] {
  if (state.status !== 'Running') throw agreementError('AGREEMENT.ENDED', { message: `The agreement is ${state.status.toLowerCase()}` });
  const next = state.decidedUpTo + 1;
  if (command.year !== next) throw agreementError('AGREEMENT.NOT_THE_NEXT_YEAR', { message: `The next year to review is ${next}` });
  requireNotApplicant(command.reviewedBy, command.applicantMemberId);
  const base = { agreementId: state.agreementId, year: command.year, reason: command.reason, reviewedBy: [...command.reviewedBy], reviewedAt: command.now.toISOString() };
  if (command.outcome === 'ended') return [ContinuationReviewed({ ...base, outcome: 'ended', yearlyCents: null, grant: null })];
  const yearlyCents = command.outcome === 'continued' ? state.yearlyCents : command.yearlyCents;
  if (yearlyCents === null || (command.outcome === 'adjusted' && yearlyCents === state.yearlyCents)) throw agreementError('AGREEMENT.AMOUNT');
  if (command.grant && command.grant.themes.length === 0) throw agreementError('AGREEMENT.NO_THEME');
  const planned = command.grant?.tranches.reduce((sum, tranche) => sum + tranche.amountCents, 0);
  if (!command.grant || planned !== yearlyCents) {
    throw agreementError('AGREEMENT.AMOUNT', { message: `The year's tranches add up to ${planned ?? 0} cents; the year is ${yearlyCents}` });
  }
  return [ContinuationReviewed({ ...base, outcome: command.outcome, yearlyCents, grant: { ...command.grant, tranches: [...command.grant.tranches] } })];
}

/** The applicant decides nothing about their own funding (BW 2:12). */
function requireNotApplicant(deciders: readonly string[], applicant: string | null): void {
  if (applicant !== null && deciders.includes(applicant)) throw agreementError('AGREEMENT.RECUSED');
}

export const agreementDecider: Decider<AgreementState, AgreementCommand, AgreementEvent> = { initialState, evolve, decide };

export const agreementAggregate = defineAggregate({
  category: 'funding_agreement',
  decider: agreementDecider,
  exists: (state): state is Exclude<AgreementState, { status: 'None' }> => state.status !== 'None',
});
