// A participatory budgeting round on `pb_round-{roundId}`: opened by a passed assembly motion that sets money of a
// budget line apart for it; proposals (initiatives) come in, officers review them, members — and where the round says
// so, residents the secretary registers — vote with approval ballots, and the Method of Equal Shares decides. The
// result is an event with its explanation; the budget and the winning initiatives act on it through reactions.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { roundSettingsSchema } from '@meent/voting/events';
import { z } from 'zod';

export { roundSettingsSchema, type RoundSettings } from '@meent/voting/events';

const cents = z.int().positive().max(Number.MAX_SAFE_INTEGER);

export const PbRoundOpened = defineEvent('PbRoundOpened', {
  schema: z.object({
    roundId: z.uuid(),
    cooperativeId: z.uuid(),
    /** The passed motion that opened it, and its round. */
    motionId: z.uuid(),
    motionRound: z.int().positive(),
    title: z.string().min(1),
    budgetId: z.uuid(),
    lineCode: z.string().min(1),
    amountCents: cents,
    settings: roundSettingsSchema,
    openedAt: z.iso.datetime(),
  }),
});

export const PbRoundFundsReserved = defineEvent('PbRoundFundsReserved', {
  schema: z.object({ roundId: z.uuid(), reservationId: z.uuid(), amountCents: cents, reservedAt: z.iso.datetime() }),
});

/** The line had too little left for the round: it ends before it began. */
export const PbRoundFundsRefused = defineEvent('PbRoundFundsRefused', {
  schema: z.object({ roundId: z.uuid(), availableCents: z.int(), reason: z.string(), refusedAt: z.iso.datetime() }),
});

export const PbProposalEntered = defineEvent('PbProposalEntered', {
  schema: z.object({
    roundId: z.uuid(),
    /** The initiative that is the proposal. */
    proposalId: z.uuid(),
    title: z.string().min(1),
    costCents: cents,
    /** The cooperative's themes it works on, for the pabulib file's `category`. */
    themes: z.array(z.string().min(1)),
    /** The member who proposed it; null for an outside applicant. */
    proposedBy: z.uuid().nullable(),
    enteredAt: z.iso.datetime(),
  }),
});

/** Submitted after the proposals closed: not on the ballot. */
export const PbProposalRefused = defineEvent('PbProposalRefused', {
  schema: z.object({ roundId: z.uuid(), proposalId: z.uuid(), reason: z.string().min(1), refusedAt: z.iso.datetime() }),
});

export const PbProposalsClosed = defineEvent('PbProposalsClosed', {
  schema: z.object({ roundId: z.uuid(), closedBy: z.string().min(1), closedAt: z.iso.datetime() }),
});

export const PbProposalReviewed = defineEvent('PbProposalReviewed', {
  schema: z.object({
    roundId: z.uuid(),
    proposalId: z.uuid(),
    eligible: z.boolean(),
    /** On record either way: why it may or may not be on the ballot. */
    reason: z.string().min(1),
    reviewedBy: z.string().min(1),
    reviewedAt: z.iso.datetime(),
  }),
});

/** A resident who is not a member, given a ballot for this round: only a digest of their voting code is kept. */
export const PbResidentRegistered = defineEvent('PbResidentRegistered', {
  schema: z.object({
    roundId: z.uuid(),
    residentId: z.uuid(),
    codeDigest: z.string().regex(/^[0-9a-f]{64}$/),
    registeredBy: z.string().min(1),
    registeredAt: z.iso.datetime(),
  }),
});

export const PbVotingOpened = defineEvent('PbVotingOpened', {
  schema: z.object({
    roundId: z.uuid(),
    /** The members with a vote at the record date: the roll, fixed as an assembly's is. */
    roll: z.array(z.uuid()),
    recordDate: z.iso.datetime(),
    closesAt: z.iso.datetime(),
    openedBy: z.string().min(1),
    openedAt: z.iso.datetime(),
  }),
});

export const voterKindSchema = z.enum(['member', 'resident']);

/** A ballot's key: a member's or resident's id, or on a secret round a uuid-shaped keyed hash. */
const voterKeySchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** An approval ballot; a later one from the same voter replaces it. */
export const PbBallotCast = defineEvent('PbBallotCast', {
  schema: z.object({
    roundId: z.uuid(),
    /** The member on an open ballot; on a secret one a pseudonym only the round's key, destroyed at closing, links. */
    voter: voterKeySchema,
    voterKind: voterKindSchema,
    approvals: z.array(z.uuid()).min(1),
    castAt: z.iso.datetime(),
  }),
});

export const PbVotingClosed = defineEvent('PbVotingClosed', {
  schema: z.object({
    roundId: z.uuid(),
    closedBy: z.string().min(1),
    /** The lot, drawn once for the round: the last word on a tie after cost and approvals. */
    lotSeed: z.string().regex(/^[0-9a-f]{32}$/),
    closedAt: z.iso.datetime(),
  }),
});

const exactCentsSchema = z
  .object({ exact: z.string().regex(/^\d+(\/\d+)?$/), cents: z.int().nonnegative() })
  .meta({ id: 'ExactCents', description: 'An exact amount of cents as numerator/denominator, and rounded to whole cents' });

export const fundedRoundSchema = z
  .object({
    round: z.int().positive(),
    proposalId: z.uuid(),
    costCents: cents,
    /** Its cost over the most a supporter paid: how many full shares effectively stood behind it. */
    effectiveVotes: z.string().regex(/^\d+(\/\d+)?$/),
    /** Its supporters by what each paid: everything they had left, or the full share. */
    payments: z.array(z.object({ paid: exactCentsSchema, voters: z.array(voterKeySchema) })),
  })
  .meta({ id: 'FundedProposal', description: 'A proposal the rule funded, in the round it was funded, and who paid for it' });

export const rejectionSchema = z
  .object({
    proposalId: z.uuid(),
    reason: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('ineligible'), reason: z.string() }),
      z.object({ kind: z.literal('no-approvals') }),
      z.object({
        kind: z.literal('unaffordable'),
        /** After how many funded proposals its supporters had too little left; 0: from the start. */
        afterRound: z.int().nonnegative(),
        /** The proposal whose funding left them short; null when they were short from the start. */
        beatenBy: z.uuid().nullable(),
        moneyBehind: exactCentsSchema,
        /** What the round had left at the end, less than its cost. */
        leftCents: z.int().nonnegative(),
      }),
    ]),
  })
  .meta({ id: 'RejectedProposal', description: 'A proposal not funded, and why' });

export const PbRoundDecided = defineEvent('PbRoundDecided', {
  schema: z.object({
    roundId: z.uuid(),
    cooperativeId: z.uuid(),
    budgetId: z.uuid(),
    lineCode: z.string().min(1),
    /** The round's reservation on the line, settled into the winners' own. */
    reservationId: z.uuid(),
    amountCents: cents,
    rule: z.enum(['equalshares/add1', 'equalshares/add1u']),
    ballots: z.int().nonnegative(),
    /** The proposals in the order the lot drew them. */
    lot: z.array(z.uuid()),
    /** Each voter's share at B/n, the raised share whose outcome was kept, and whether raising hit its bound. */
    shares: z.object({ initial: exactCentsSchema, final: exactCentsSchema, capped: z.boolean() }),
    selected: z.array(z.object({ proposalId: z.uuid(), costCents: cents, reservationId: z.uuid(), byCompletion: z.boolean() })),
    spentCents: z.int().nonnegative(),
    rounds: z.array(fundedRoundSchema),
    rejected: z.array(rejectionSchema),
    /** What greedy by approvals would have funded with the same ballots and money, for comparison. */
    greedy: z.array(z.uuid()),
    decidedAt: z.iso.datetime(),
  }),
});

export type PbRoundEvent =
  | EventOf<typeof PbRoundOpened>
  | EventOf<typeof PbRoundFundsReserved>
  | EventOf<typeof PbRoundFundsRefused>
  | EventOf<typeof PbProposalEntered>
  | EventOf<typeof PbProposalRefused>
  | EventOf<typeof PbProposalsClosed>
  | EventOf<typeof PbProposalReviewed>
  | EventOf<typeof PbResidentRegistered>
  | EventOf<typeof PbVotingOpened>
  | EventOf<typeof PbBallotCast>
  | EventOf<typeof PbVotingClosed>
  | EventOf<typeof PbRoundDecided>;

export const pbRoundEvents = [
  PbRoundOpened,
  PbRoundFundsReserved,
  PbRoundFundsRefused,
  PbProposalEntered,
  PbProposalRefused,
  PbProposalsClosed,
  PbProposalReviewed,
  PbResidentRegistered,
  PbVotingOpened,
  PbBallotCast,
  PbVotingClosed,
  PbRoundDecided,
] as const;
