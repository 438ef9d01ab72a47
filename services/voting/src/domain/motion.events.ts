// A motion on `motion-{motionId}`: tabled on an assembly, voted on in one or more rounds (a challenged result is
// voted again), and decided. `MotionDecided` is what the budget and initiative-funding contexts react to, and membership
// when a passed statute amendment sets new rules.
import { defineEvent, encryptedDataSchema, type EventOf } from '@meent/eventsourcing';
import { CONFLICT_GROUNDS, DECISION_TYPES, cooperativeRulesSchema, fractionSchema, majoritySchema } from '@meent/membership/events';
import { z } from 'zod';

export const CHOICES = ['for', 'against', 'abstain'] as const;
export type Choice = (typeof CHOICES)[number];
export const choiceSchema = z.enum(CHOICES);

export const BALLOTS = ['open', 'secret'] as const;
export type BallotKind = (typeof BALLOTS)[number];

export const PB_BALLOTS = ['open', 'secret'] as const;

/** How a participatory budgeting round is run, as the motion that opens it sets it. */
export const roundSettingsSchema = z
  .strictObject({
    /** The fewest proposals a ballot approves; equalshares.net advises several. */
    minApprovals: z.int().min(1).max(100).default(1),
    maxApprovals: z.int().min(1).max(100).default(100),
    /** Open: ballots name the member. Secret: a pseudonym whose key is destroyed when voting closes. */
    ballot: z.enum(PB_BALLOTS).default('secret'),
    /** Whether residents the secretary registers for the round vote beside the members. */
    residentsVote: z.boolean().default(false),
    /** add1: the Method of Equal Shares with Add1 completion; add1u: then fill what is left greedily by approvals. */
    completion: z.enum(['add1', 'add1u']).default('add1'),
  })
  .refine((settings) => settings.minApprovals <= settings.maxApprovals, { message: 'minApprovals exceeds maxApprovals', path: ['minApprovals'] })
  .meta({ id: 'ParticipatoryBudgetSettings', description: 'How a participatory budgeting round is run' });
export type RoundSettings = z.infer<typeof roundSettingsSchema>;

export const subjectSchema = z
  .union([
    z.strictObject({ kind: z.enum(['budget', 'initiative']), id: z.uuid() }),
    /** A statute amendment's new rules, in full as they are to read: a field left out takes Meent's default. */
    z.strictObject({ kind: z.literal('rules'), rules: cooperativeRulesSchema }),
    /** The annual accounts of the financial year of a budget, by the budget's id: to adopt them, or discharge the board. */
    z.strictObject({ kind: z.literal('annual-accounts'), id: z.uuid() }),
    /** More months for the board to present a year's accounts (BW 2:58 lid 1: four at most, in all). */
    z.strictObject({ kind: z.literal('accounts-extension'), id: z.uuid(), months: z.int().min(1).max(4) }),
    /** The member whose appeal against their expulsion the assembly decides (BW 2:35 lid 4). */
    z.strictObject({ kind: z.literal('member'), id: z.uuid() }),
    /** Money of a line of the adopted budget set apart for a participatory budgeting round, and how it is run. */
    z.strictObject({
      kind: z.literal('participatory-budget'),
      /** The round's name, as members will see it: "Buurtbudget 2027". */
      title: z.string().min(1).max(200),
      budgetId: z.uuid(),
      lineCode: z.string().min(1).max(20),
      amountCents: z.int().positive().max(Number.MAX_SAFE_INTEGER),
      settings: roundSettingsSchema.prefault({}),
    }),
  ])
  .meta({
    id: 'MotionSubject',
    description:
      'What the decision is about, for the context that acts on it: a budget, an initiative, the rules a statute amendment sets, the annual accounts of a budget\'s year, a member whose expulsion is appealed, or a budget line\'s money for a participatory budgeting round',
  });

export const decisionRuleSchema = z.object({
  majority: majoritySchema,
  /** Share of the roll (less the recused) present or represented; null: no quorum. */
  quorum: fractionSchema.nullable(),
  /**
   * Where the rule comes from: the rules at convening, BW 2:42's second meeting that needs no quorum, or every member
   * with a vote approving in writing outside a meeting (BW 2:40 lid 2), which satisfies any majority.
   */
  basis: z.enum(['rules', 'second-meeting', 'unanimous-in-writing']),
});
export type DecisionRule = z.infer<typeof decisionRuleSchema>;

export const recusalSchema = z.object({
  memberId: z.uuid(),
  /** The conflict of interest the statutes name; absent on recusals recorded before grounds were required. */
  ground: z.enum(CONFLICT_GROUNDS).optional(),
  reason: z.string().min(1).max(500),
});

export const MotionTabled = defineEvent('MotionTabled', {
  schema: z.object({
    motionId: z.uuid(),
    assemblyId: z.uuid(),
    cooperativeId: z.uuid(),
    title: z.string().min(1),
    /** The verbatim text; for a statute amendment its deposit (BW 2:42) is this event. */
    text: z.string().min(1),
    decisionType: z.enum(DECISION_TYPES),
    rule: decisionRuleSchema,
    ballot: z.enum(BALLOTS),
    subject: subjectSchema.nullable(),
    recused: z.array(recusalSchema),
    /** The statute amendment that missed its quorum and is decided again here. */
    repeatsMotionId: z.uuid().nullable(),
    tabledAt: z.iso.datetime(),
  }),
});

export const VotingOpened = defineEvent('VotingOpened', {
  schema: z.object({ motionId: z.uuid(), round: z.int().positive(), openedAt: z.iso.datetime() }),
});

export const VoteCast = defineEvent('VoteCast', {
  schema: z.object({
    motionId: z.uuid(),
    round: z.int().positive(),
    /** Whose vote this is. */
    voterId: z.uuid(),
    /** Who cast it: the voter, or the holder of their proxy. */
    castBy: z.uuid(),
    choice: choiceSchema,
    castAt: z.iso.datetime(),
  }),
});

/** A vote on a secret motion: the choice sealed under the round's ballot key, destroyed once the round is counted. */
export const SecretBallotCast = defineEvent('SecretBallotCast', {
  schema: z.object({
    motionId: z.uuid(),
    round: z.int().positive(),
    voterId: z.uuid(),
    castBy: z.uuid(),
    sealedChoice: encryptedDataSchema,
    castAt: z.iso.datetime(),
  }),
});

export const VotingClosed = defineEvent('VotingClosed', {
  schema: z.object({
    motionId: z.uuid(),
    round: z.int().positive(),
    reason: z.enum(['closed-by-chair', 'everyone-voted']),
    closedAt: z.iso.datetime(),
  }),
});

export const tallySchema = z
  .object({
    for: z.int().nonnegative(),
    against: z.int().nonnegative(),
    abstain: z.int().nonnegative(),
    notVoted: z.int().nonnegative(),
  })
  .meta({ id: 'Tally', description: 'Votes by weight' });
export type Tally = z.infer<typeof tallySchema>;

export const MotionDecided = defineEvent('MotionDecided', {
  schema: z.object({
    /** The motion, or the written resolution decided outside a meeting. */
    motionId: z.uuid(),
    /** Null for a unanimous written resolution, which no meeting took (BW 2:40 lid 2). */
    assemblyId: z.uuid().nullable(),
    cooperativeId: z.uuid(),
    round: z.int().positive(),
    decisionType: z.enum(DECISION_TYPES),
    subject: subjectSchema.nullable(),
    ballot: z.enum(BALLOTS),
    tally: tallySchema,
    /** The roll's weight less the recused: the base of quorum and of "not voted". */
    eligibleWeight: z.int().nonnegative(),
    /** Weight of the voters who voted, in person, online or by proxy. */
    turnoutWeight: z.int().nonnegative(),
    /** Weight present or represented at the meeting, for the quorum. */
    presentWeight: z.int().nonnegative(),
    rule: decisionRuleSchema,
    quorumMet: z.boolean(),
    outcome: z.enum(['passed', 'rejected']),
    /** In words, for the minutes: which rule decided and how. */
    explanation: z.string(),
    decidedAt: z.iso.datetime(),
  }),
});

/** BW 2:13: the chair's announced result is challenged at once; a new vote is held and cancels the decision. */
export const ResultChallenged = defineEvent('ResultChallenged', {
  version: 2,
  schema: z.object({
    motionId: z.uuid(),
    round: z.int().positive(),
    /** Who put the meeting's request on record: the secretary or chair. */
    challengedBy: z.string().min(1),
    /** The voters present who asked for a new vote: a majority of the meeting (BW 2:13 lid 3). */
    requestedBy: z.array(z.uuid()).min(1),
    reason: z.string().min(1),
    challengedAt: z.iso.datetime(),
  }),
  // Version 1 was the challenge of one voter on the roll, who asked for it themselves.
  upcasters: { 1: (data) => ({ ...data, requestedBy: [data.challengedBy ?? null] }) },
});

export type MotionEvent =
  | EventOf<typeof MotionTabled>
  | EventOf<typeof VotingOpened>
  | EventOf<typeof VoteCast>
  | EventOf<typeof SecretBallotCast>
  | EventOf<typeof VotingClosed>
  | EventOf<typeof MotionDecided>
  | EventOf<typeof ResultChallenged>;

export const motionEvents = [
  MotionTabled,
  VotingOpened,
  VoteCast,
  SecretBallotCast,
  VotingClosed,
  MotionDecided,
  ResultChallenged,
];
