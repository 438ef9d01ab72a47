// A neighbourhood initiative asking for money, on `initiative-{initiativeId}`: submitted, reviewed, decided by the
// board within its mandate or by the assembly above it, reserved on a budget line, paid in tranches against
// progress reports approved by two officers, and completed, withdrawn or reclaimed.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

const cents = z.int().positive().max(Number.MAX_SAFE_INTEGER);

export const applicantSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('member'), memberId: z.uuid() }),
    z.strictObject({
      kind: z.literal('outside'),
      name: z.string().min(1).max(200),
      chamberOfCommerceNumber: z.string().regex(/^\d{8}$/).nullable(),
      contact: z.string().min(1).max(500),
    }),
  ])
  .meta({ id: 'Applicant', description: 'A member, or an outside community initiative or social enterprise' });
export type Applicant = z.infer<typeof applicantSchema>;

export const trancheSchema = z.object({ amountCents: cents, milestone: z.string().min(1).max(500) }).meta({ id: 'PlannedTranche' });

export const deciderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('board'), boardMembers: z.array(z.uuid()).min(1) }),
  z.object({ kind: z.literal('assembly'), motionId: z.uuid(), round: z.int().positive() }),
  /** The neighbourhood's vote in a participatory budgeting round, counted by the Method of Equal Shares. */
  z.object({ kind: z.literal('participatory-budget'), roundId: z.uuid() }),
]);

/**
 * A community initiative lives on grants and volunteers; a social enterprise also earns its own income, so how far it
 * stands on its own can be followed over the years.
 */
export const INITIATIVE_KINDS = ['community-initiative', 'social-enterprise'] as const;

export const InitiativeSubmitted = defineEvent('InitiativeSubmitted', {
  version: 2,
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    applicant: applicantSchema,
    submittedBy: z.string(),
    title: z.string().min(1),
    description: z.string().min(1),
    requestedCents: cents,
    budgetId: z.uuid(),
    lineCode: z.string().min(1),
    tranches: z.array(trancheSchema).min(1),
    /** The codes of the cooperative's themes it works on; empty only for an initiative submitted before themes. */
    themes: z.array(z.string().min(1).max(32)).max(20),
    kind: z.enum(INITIATIVE_KINDS),
    /** The participatory budgeting round it is a proposal in, whose vote decides it; absent for a request of its own. */
    roundId: z.uuid().optional(),
    /** The multi-year funding agreement whose continuation review granted this year; absent otherwise. */
    agreement: z.object({ agreementId: z.uuid(), year: z.int().min(2000).max(2200) }).optional(),
    submittedAt: z.iso.datetime(),
  }),
  // Version 1 knew neither themes nor kinds: its initiatives are read as community initiatives under no theme.
  upcasters: { 1: (data) => ({ ...data, themes: [], kind: 'community-initiative' }) },
});

export const InitiativeReviewed = defineEvent('InitiativeReviewed', {
  schema: z.object({
    initiativeId: z.uuid(),
    reviewedBy: z.string(),
    advice: z.enum(['grant', 'grant-in-part', 'reject']),
    notes: z.string().min(1),
    reviewedAt: z.iso.datetime(),
  }),
});

export const FundingApproved = defineEvent('FundingApproved', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    amountCents: cents,
    budgetId: z.uuid(),
    lineCode: z.string().min(1),
    decidedBy: deciderSchema,
    approvedAt: z.iso.datetime(),
  }),
});

export const FundingRejected = defineEvent('FundingRejected', {
  schema: z.object({ initiativeId: z.uuid(), decidedBy: deciderSchema, reason: z.string().min(1), rejectedAt: z.iso.datetime() }),
});

export const InitiativeFundsReserved = defineEvent('InitiativeFundsReserved', {
  schema: z.object({ initiativeId: z.uuid(), reservationId: z.uuid(), amountCents: cents, reservedAt: z.iso.datetime() }),
});

/** The line had too little left: the initiative waits for funds until the board retries or rejects it. */
export const InitiativeAwaitingFunds = defineEvent('InitiativeAwaitingFunds', {
  schema: z.object({ initiativeId: z.uuid(), availableCents: z.int(), reason: z.string(), refusedAt: z.iso.datetime() }),
});

export const ReservationRetried = defineEvent('ReservationRetried', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    attempt: z.int().min(2),
    amountCents: cents,
    budgetId: z.uuid(),
    lineCode: z.string().min(1),
    retriedAt: z.iso.datetime(),
  }),
});

export const TrancheRequested = defineEvent('TrancheRequested', {
  schema: z.object({
    initiativeId: z.uuid(),
    trancheNumber: z.int().positive(),
    amountCents: cents,
    progressReport: z.string().min(1),
    spentSoFarCents: z.int().nonnegative(),
    requestedAt: z.iso.datetime(),
  }),
});

export const TrancheApprovalGiven = defineEvent('TrancheApprovalGiven', {
  schema: z.object({ initiativeId: z.uuid(), trancheNumber: z.int().positive(), approvedBy: z.uuid(), approvedAt: z.iso.datetime() }),
});

/** The second officer's approval: the budget context disburses it against the reservation. */
export const TrancheApproved = defineEvent('TrancheApproved', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    reservationId: z.uuid(),
    trancheNumber: z.int().positive(),
    amountCents: cents,
    approvers: z.array(z.uuid()).length(2),
    approvedAt: z.iso.datetime(),
  }),
});

export const TrancheDisbursed = defineEvent('TrancheDisbursed', {
  schema: z.object({ initiativeId: z.uuid(), trancheNumber: z.int().positive(), amountCents: cents, disbursedAt: z.iso.datetime() }),
});

/** Completed with a final report: what was not disbursed goes back to the line. */
export const InitiativeCompleted = defineEvent('InitiativeCompleted', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    /** The reservation whose remainder goes back to the line; null when nothing was reserved. */
    reservationId: z.uuid().nullable(),
    finalReport: z.string().min(1),
    completedAt: z.iso.datetime(),
  }),
});

export const InitiativeWithdrawn = defineEvent('InitiativeWithdrawn', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    /** The reservation whose remainder goes back to the line; null when nothing was reserved. */
    reservationId: z.uuid().nullable(),
    reason: z.string().min(1),
    withdrawnAt: z.iso.datetime(),
  }),
});

/** Money paid for work not done, claimed back from the applicant; repayment is booked as income when it comes. */
export const RepaymentClaimed = defineEvent('RepaymentClaimed', {
  schema: z.object({ initiativeId: z.uuid(), amountCents: cents, reason: z.string().min(1), claimedBy: z.uuid(), claimedAt: z.iso.datetime() }),
});

/**
 * BW 2:13 lid 4: the assembly's funding decision was challenged and the new vote went against it, which cancels its
 * legal effects: the grant is gone, and what was reserved for it goes back to its line.
 */
export const FundingRevoked = defineEvent('FundingRevoked', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    /** The reservation to give back; null while the budget had not reserved the money yet. */
    reservationId: z.uuid().nullable(),
    motionId: z.uuid(),
    round: z.int().positive(),
    revokedAt: z.iso.datetime(),
  }),
});

/** The budget reserved the money of a grant that was revoked meanwhile: the reservation goes back to its line. */
export const RevokedReservationReturned = defineEvent('RevokedReservationReturned', {
  schema: z.object({
    initiativeId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    reservationId: z.uuid(),
    returnedAt: z.iso.datetime(),
  }),
});

/** A year's figure: a count, hours, a percentage — whole numbers, so totals and comparisons are exact. */
const figure = z.int().min(0).max(1_000_000_000);

/**
 * An indicator of what the initiative achieves (the IATI results model: indicator → period with baseline, target and
 * actual), under one of its themes.
 */
export const IndicatorDefined = defineEvent('IndicatorDefined', {
  schema: z.object({
    initiativeId: z.uuid(),
    indicatorId: z.uuid(),
    name: z.string().min(1).max(200),
    /** What it counts: "deelnemers", "uren", "%". */
    unit: z.string().min(1).max(40),
    theme: z.string().min(1).max(32),
    /** Where it stood before the initiative, in the baseline year. */
    baseline: z.object({ year: z.int().min(2000).max(2200), value: figure }),
    targets: z.array(z.object({ year: z.int().min(2000).max(2200), value: figure })).max(20),
    definedBy: z.string().min(1),
    definedAt: z.iso.datetime(),
  }),
});

/** How many took part, counted — never who: no participant's personal data enters the log. */
export const participationSchema = z
  .strictObject({
    residentsReached: figure.default(0),
    volunteers: figure.default(0),
    volunteerHours: figure.default(0),
    /** People who found work or training through the initiative. */
    intoWorkOrTraining: figure.default(0),
  })
  .meta({ id: 'Participation', description: 'Aggregate counts of who took part; never personal data' });

/** A progress report's figures for a year: each indicator's actual value so far, and the year's participation. */
export const ProgressReported = defineEvent('ProgressReported', {
  schema: z.object({
    initiativeId: z.uuid(),
    reportId: z.uuid(),
    year: z.int().min(2000).max(2200),
    /** A later report's value for the same indicator and year replaces an earlier one. */
    actuals: z.array(z.object({ indicatorId: z.uuid(), value: figure })).max(50),
    participation: participationSchema,
    /** A social enterprise's own income in the year so far, in cents: how far it stands on its own; null otherwise. */
    ownIncomeCents: z.int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable(),
    /** The tranche whose request carried the report, if one did. */
    trancheNumber: z.int().positive().nullable(),
    reportedBy: z.string().min(1),
    reportedAt: z.iso.datetime(),
  }),
});

export type InitiativeEvent =
  | EventOf<typeof InitiativeSubmitted>
  | EventOf<typeof InitiativeReviewed>
  | EventOf<typeof FundingApproved>
  | EventOf<typeof FundingRejected>
  | EventOf<typeof InitiativeFundsReserved>
  | EventOf<typeof InitiativeAwaitingFunds>
  | EventOf<typeof ReservationRetried>
  | EventOf<typeof TrancheRequested>
  | EventOf<typeof TrancheApprovalGiven>
  | EventOf<typeof TrancheApproved>
  | EventOf<typeof TrancheDisbursed>
  | EventOf<typeof InitiativeCompleted>
  | EventOf<typeof InitiativeWithdrawn>
  | EventOf<typeof RepaymentClaimed>
  | EventOf<typeof FundingRevoked>
  | EventOf<typeof RevokedReservationReturned>
  | EventOf<typeof IndicatorDefined>
  | EventOf<typeof ProgressReported>;

export const initiativeEvents = [
  IndicatorDefined,
  ProgressReported,
  InitiativeSubmitted,
  InitiativeReviewed,
  FundingApproved,
  FundingRejected,
  InitiativeFundsReserved,
  InitiativeAwaitingFunds,
  ReservationRetried,
  TrancheRequested,
  TrancheApprovalGiven,
  TrancheApproved,
  TrancheDisbursed,
  InitiativeCompleted,
  InitiativeWithdrawn,
  RepaymentClaimed,
  FundingRevoked,
  RevokedReservationReturned,
];
