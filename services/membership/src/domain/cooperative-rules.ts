// A cooperative's statutes as parameters (DESIGN §4): the rules every decision is judged under.
import { MAX_AMOUNT_CENTS } from '@meent/eventsourcing';
import { z } from 'zod';

export const fractionSchema = z
  .strictObject({
    numerator: z.int().nonnegative(),
    denominator: z.int().positive(),
  })
  .refine((fraction) => fraction.numerator <= fraction.denominator, {
    message: 'numerator must not exceed denominator',
    path: ['numerator'],
  });
export type Fraction = z.infer<typeof fractionSchema>;

export const DECISION_TYPES = [
  'ordinary',
  'statute-amendment',
  'budget-adoption',
  'funding-decision',
  'dissolution',
  'merger',
  /** BW 2:48 lid 3 (through 2:53a): the assembly adopts the annual accounts the board presents. */
  'annual-accounts',
  /** The board's discharge for its management of a year, a decision apart from adopting the accounts. */
  'discharge',
  /** BW 2:58 lid 1: the assembly may give the board up to four more months to present the accounts. */
  'accounts-extension',
  /**
   * BW 2:35 lid 4: the assembly decides on an expelled member's appeal. The motion confirms the expulsion: passed, it
   * stands; rejected, it is annulled — an expulsion stands only with a majority of the assembly behind it.
   */
  'expulsion-appeal',
  /** The assembly sets money of a budget line apart for a participatory budgeting round the neighbourhood decides. */
  'participatory-budget',
] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/**
 * The conflicts of interest the statutes may name as a reason a member does not vote (BW 2:12): being the applicant of
 * the initiative a motion is about, or a party to the contract it is about.
 */
export const CONFLICT_GROUNDS = ['initiative-applicant', 'contract-party'] as const;
export type ConflictGround = (typeof CONFLICT_GROUNDS)[number];

export const LIABILITIES = ['WA', 'BA', 'UA'] as const;
export type Liability = (typeof LIABILITIES)[number];

const LIABILITY_MARKS: Readonly<Record<Liability, string>> = { WA: 'W.A.', BA: 'B.A.', UA: 'U.A.' };

/** BW 2:56 lid 1: the name ends with the members' liability, W.A., B.A. or U.A. */
export function legalNameOf(name: string, liability: Liability): string {
  const mark = LIABILITY_MARKS[liability];
  return name.endsWith(` ${mark}`) ? name : `${name} ${mark}`;
}

export const majoritySchema = z.enum(['simple', 'two-thirds']);

export const membershipKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a membership kind is 1–32 lowercase letters, digits or dashes, starting with a letter');

/** What a member's votes are reckoned by, as the register has it at a record date. */
export interface VotingBasis {
  readonly membershipKind: string | null;
  /** Their turnover with the cooperative in the last financial year recorded; null where none is. */
  readonly turnoverCents: number | null;
}

/**
 * BW 2:38 lid 1: a member's votes, one at least — by their share of turnover where the statutes count votes so, else by
 * what the statutes give their kind of membership.
 */
export function votesOf(rules: Pick<CooperativeRules, 'votesByMembershipKind' | 'votesByTurnover'>, basis: VotingBasis): number {
  if (rules.votesByTurnover) {
    const { centsPerVote, maxVotes } = rules.votesByTurnover;
    return Math.min(maxVotes, 1 + Math.floor((basis.turnoverCents ?? 0) / centsPerVote));
  }
  return (basis.membershipKind === null ? undefined : rules.votesByMembershipKind[basis.membershipKind]) ?? 1;
}

const decisionRule = (majority: z.infer<typeof majoritySchema>, announced = false) =>
  z
    .strictObject({
      majority: majoritySchema.default(majority),
      /** Share of the voter roll present or represented; null: no quorum. */
      quorum: fractionSchema.nullable().default(null),
      /**
       * Whether it takes a statute amendment's safeguards (BW 2:42): an assembly whose notice announces it, given
       * `statuteAmendmentNoticeDays` ahead, and its text deposited `statuteTextDepositDays` before the meeting. By
       * default statute amendments, dissolution and merger (BW 2:317 for a merger's proposal).
       */
      announced: z.boolean().default(announced),
    })
    .prefault({});

/**
 * A theme the cooperative works on, with its name in both languages: the initiatives it funds carry one or more, and
 * the annual impact report is drawn up per theme.
 */
export const themeSchema = z
  .strictObject({
    code: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lower-case code: letters, digits and hyphens'),
    nl: z.string().trim().min(1).max(60),
    en: z.string().trim().min(1).max(60),
  })
  .meta({ id: 'Theme' });
export type Theme = z.infer<typeof themeSchema>;

/** Learning, working, taking part: what neighbourhood cooperatives set out to make last. */
export const DEFAULT_THEMES: readonly Theme[] = [
  { code: 'leren', nl: 'Leren', en: 'Learning' },
  { code: 'werken', nl: 'Werken', en: 'Working' },
  { code: 'meedoen', nl: 'Meedoen', en: 'Taking part' },
];

export const NOTICE_LANGUAGES = ['nl', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const cooperativeRulesSchema = z
  .strictObject({
    /** Days between convening and an ordinary assembly; the law sets no minimum. */
    noticeDays: z.int().nonnegative().default(14),
    /** BW 2:42: at least 7 days for an assembly that is to amend the statutes. */
    statuteAmendmentNoticeDays: z.int().min(7).default(7),
    /** BW 2:42: the verbatim amendment deposited at least 5 days before the meeting. */
    statuteTextDepositDays: z.int().min(5).default(5),
    /** BW 2:41 lid 1: members holding this share of the votes may demand an assembly; a tenth at most. */
    assemblyRequestShare: fractionSchema.default({ numerator: 1, denominator: 10 }),
    /**
     * BW 2:38 lid 1: every member has at least one vote; the statutes may give a kind of membership more — a producer
     * member three, say. Members of a kind not named here, or of none, have one.
     */
    votesByMembershipKind: z.record(membershipKindSchema, z.int().min(1).max(1000)).default({}),
    /**
     * BW 2:38 lid 1: or votes by a share of turnover — one, and one more for each `centsPerVote` of the member's
     * turnover with the cooperative in the last financial year recorded, up to `maxVotes`. Null: not by turnover.
     */
    votesByTurnover: z
      .strictObject({ centsPerVote: z.int().positive().max(MAX_AMOUNT_CENTS), maxVotes: z.int().min(1).max(1000) })
      .nullable()
      .default(null),
    /** BW 2:38 lid 6–8: votes cast online before the meeting. */
    electronicVoting: z.boolean().default(true),
    /** BW 2:38 lid 5: voting by written proxy. */
    proxiesAllowed: z.boolean().default(true),
    maxProxiesPerHolder: z.int().nonnegative().default(1),
    /** Whether people may apply for membership themselves, or only the secretary registers them. */
    selfApplication: z.boolean().default(true),
    decisions: z
      .strictObject({
        ordinary: decisionRule('simple'),
        'statute-amendment': decisionRule('two-thirds', true),
        'budget-adoption': decisionRule('simple'),
        'funding-decision': decisionRule('simple'),
        dissolution: decisionRule('two-thirds', true),
        merger: decisionRule('two-thirds', true),
        'annual-accounts': decisionRule('simple'),
        discharge: decisionRule('simple'),
        'accounts-extension': decisionRule('simple'),
        'expulsion-appeal': decisionRule('simple'),
        'participatory-budget': decisionRule('simple'),
      })
      .prefault({}),
    /** A statute amendment that missed its quorum may be decided by a second assembly convened within this window. */
    secondMeetingWindowDays: z.int().positive().default(42),
    /** Expenses above this need a second approver. */
    fourEyesThresholdCents: z.int().nonnegative().default(50_000),
    /** The board may grant up to this per initiative; above it the assembly decides. */
    boardMandateCents: z.int().nonnegative().default(250_000),
    /** BW 2:10a: the calendar year unless the statutes say otherwise. */
    financialYearStartMonth: z.int().min(1).max(12).default(1),
    /** BW 2:12: the conflicts of interest for which a member is recused from a vote; none other takes a vote away. */
    conflictsOfInterest: z.array(z.enum(CONFLICT_GROUNDS)).max(CONFLICT_GROUNDS.length).default([...CONFLICT_GROUNDS]),
    /** BW 2:36 lid 2: a member resigns with this notice — four weeks unless the statutes say otherwise. */
    resignationNoticeWeeks: z.int().nonnegative().max(52).default(4),
    /** BW 2:35 lid 4: an expelled member appeals to the assembly within a month of being told, or longer if the statutes say so. */
    expulsionAppealMonths: z.int().min(1).max(12).default(1),
    /** BW 2:36 lid 2: a resignation takes effect at the end of a financial year, unless the statutes allow it sooner. */
    resignationAtYearEnd: z.boolean().default(true),
    /**
     * BW 2:55–2:56: what members owe when the cooperative is wound up with a deficit — all of it (W.A.), up to a limit
     * (B.A.), or nothing (U.A.); the name states it.
     */
    liability: z.enum(LIABILITIES).default('UA'),
    /** The language the cooperative writes to its members in: Dutch unless it says otherwise. */
    noticeLanguage: z.enum(NOTICE_LANGUAGES).default('nl'),
    /** The themes its initiatives are funded under: learning, working and taking part unless the statutes name others. */
    themes: z
      .array(themeSchema)
      .min(1)
      .max(20)
      .refine((themes) => new Set(themes.map((theme) => theme.code)).size === themes.length, { message: 'each theme code once' })
      .default(DEFAULT_THEMES.map((theme) => ({ ...theme }))),
  })
  .meta({ id: 'CooperativeRules' });

export type CooperativeRules = z.infer<typeof cooperativeRulesSchema>;
export type CooperativeRulesInput = z.input<typeof cooperativeRulesSchema>;

/**
 * Where rules ask more than the law lets statutes ask, the reason with its article; undefined where they are lawful.
 * Checked when rules are founded or tabled as a statute amendment; rules already in force stay as they were decided.
 */
export function rulesAgainstTheLaw(rules: CooperativeRules): { readonly reason: string; readonly rule: string } | undefined {
  const share = rules.assemblyRequestShare;
  if (10 * share.numerator > share.denominator) {
    return {
      reason: `The statutes may let members holding less than a tenth of the votes demand an assembly, never more (${share.numerator}/${share.denominator})`,
      rule: 'BW 2:41 lid 1',
    };
  }
  return undefined;
}

/** A financial year's first and last day (inclusive), as ISO dates. */
export interface FinancialYearPeriod {
  readonly firstDay: string;
  readonly lastDay: string;
}

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * BW 2:10a: the financial year named `year` begins on the first of the statutes' start month in that year and lasts
 * twelve months — the calendar year when it starts in January, 1 July 2026 to 30 June 2027 for year 2026 starting in July.
 */
export function financialYearPeriod(year: number, startMonth: number): FinancialYearPeriod {
  return {
    firstDay: isoDay(Date.UTC(year, startMonth - 1, 1)),
    lastDay: isoDay(Date.UTC(year + 1, startMonth - 1, 1) - 86_400_000),
  };
}

/** The statutes' terms for a resignation. */
export type ResignationTerms = Pick<CooperativeRules, 'financialYearStartMonth' | 'resignationNoticeWeeks' | 'resignationAtYearEnd'>;

const WEEK_MS = 7 * 86_400_000;

/**
 * BW 2:36 lid 2 (a coöperatie's members too, through 2:53a and 2:60): a resignation given at `now` takes effect at the
 * end of the first financial year that ends at least the notice period later — or, where the statutes do not tie it
 * to the year's end, once the notice has run.
 */
export function resignationTakesEffect(now: Date, terms: ResignationTerms): Date {
  const noticeRunsOut = now.getTime() + terms.resignationNoticeWeeks * WEEK_MS;
  if (!terms.resignationAtYearEnd) return new Date(noticeRunsOut);
  const month = terms.financialYearStartMonth - 1;
  let year = now.getUTCFullYear() - 1;
  while (Date.UTC(year, month, 1) < noticeRunsOut) year += 1;
  return new Date(Date.UTC(year, month, 1));
}
