import t from 'tap';
import { cooperativeRulesSchema, votesOf } from '@meent/membership';

t.test('with no rules given, the defaults of DESIGN §4 apply', async (t) => {
  const rules = cooperativeRulesSchema.parse({});
  const ordinary = { majority: 'simple', quorum: null, announced: false };
  const announcedTwoThirds = { majority: 'two-thirds', quorum: null, announced: true };
  t.strictSame(rules, {
    noticeDays: 14,
    statuteAmendmentNoticeDays: 7,
    statuteTextDepositDays: 5,
    assemblyRequestShare: { numerator: 1, denominator: 10 },
    votesByMembershipKind: {},
    votesByTurnover: null,
    electronicVoting: true,
    proxiesAllowed: true,
    maxProxiesPerHolder: 1,
    selfApplication: true,
    decisions: {
      ordinary,
      'statute-amendment': announcedTwoThirds,
      'budget-adoption': ordinary,
      'funding-decision': ordinary,
      dissolution: announcedTwoThirds,
      merger: announcedTwoThirds,
      'annual-accounts': ordinary,
      discharge: ordinary,
      'accounts-extension': ordinary,
      'expulsion-appeal': ordinary,
      'participatory-budget': ordinary,
    },
    secondMeetingWindowDays: 42,
    fourEyesThresholdCents: 50_000,
    boardMandateCents: 250_000,
    financialYearStartMonth: 1,
    conflictsOfInterest: ['initiative-applicant', 'contract-party'],
    resignationNoticeWeeks: 4,
    expulsionAppealMonths: 1,
    resignationAtYearEnd: true,
    liability: 'UA',
    noticeLanguage: 'nl',
    themes: [
      { code: 'leren', nl: 'Leren', en: 'Learning' },
      { code: 'werken', nl: 'Werken', en: 'Working' },
      { code: 'meedoen', nl: 'Meedoen', en: 'Taking part' },
    ],
  });
});

t.test('a rule given for one decision type keeps the defaults of the others', async (t) => {
  const rules = cooperativeRulesSchema.parse({
    decisions: { 'statute-amendment': { quorum: { numerator: 2, denominator: 3 } } },
  });
  t.same(rules.decisions['statute-amendment'], { majority: 'two-thirds', quorum: { numerator: 2, denominator: 3 }, announced: true });
  t.same(rules.decisions.ordinary, { majority: 'simple', quorum: null, announced: false });
  t.same(
    Object.entries(rules.decisions).filter(([, rule]) => rule.announced).map(([type]) => type),
    ['statute-amendment', 'dissolution', 'merger'],
    'the decisions that need the announcement, the deposited text and the notice: BW 2:42, and 2:317 for a merger',
  );
});

t.test('refuses', async (t) => {
  const refused = (input: unknown, path: string) => {
    const result = cooperativeRulesSchema.safeParse(input);
    t.notOk(result.success, JSON.stringify(input));
    t.ok(result.error?.issues.some((issue) => issue.path.join('.') === path), `names ${path}`);
  };
  t.test('a negative proxy cap or a fractional one', async () => {
    refused({ maxProxiesPerHolder: -1 }, 'maxProxiesPerHolder');
    refused({ maxProxiesPerHolder: 1.5 }, 'maxProxiesPerHolder');
  });
  t.test('negative notice', async () => refused({ noticeDays: -1 }, 'noticeDays'));
  t.test('less notice for a statute amendment than the law’s 7 days', async () =>
    refused({ statuteAmendmentNoticeDays: 6 }, 'statuteAmendmentNoticeDays'));
  t.test('a quorum above the whole roll', async () =>
    refused({ decisions: { ordinary: { quorum: { numerator: 3, denominator: 2 } } } }, 'decisions.ordinary.quorum.numerator'));
  t.test('an unknown majority', async () => refused({ decisions: { merger: { majority: 'most' } } }, 'decisions.merger.majority'));
  t.test('a misspelt rule rather than ignoring it', async () => refused({ noticeDay: 3 }, ''));
  t.test('a month that does not exist', async () => refused({ financialYearStartMonth: 13 }, 'financialYearStartMonth'));
});

t.test('boundaries the statutes may reach and not pass', async (t) => {
  const accepts = (input: unknown) => cooperativeRulesSchema.safeParse(input).success;
  t.equal(accepts({ decisions: { ordinary: { quorum: { numerator: 1, denominator: 1 } } } }), true, 'a quorum of the whole roll');
  t.equal(accepts({ statuteTextDepositDays: 5 }), true);
  t.equal(accepts({ statuteTextDepositDays: 4 }), false, 'the text lies ready five days at least');
  t.equal(accepts({ statuteTextDepositDays: 30 }), true);
  t.equal(accepts({ votesByMembershipKind: { a: 2 } }), true, 'a kind of one letter');
  t.equal(accepts({ votesByMembershipKind: { [`k${'-'.repeat(31)}`]: 2 } }), true, 'a kind of 32 characters');
  t.equal(accepts({ votesByMembershipKind: { [`k${'-'.repeat(32)}`]: 2 } }), false, 'a kind of 33 characters');
  t.equal(accepts({ votesByMembershipKind: { '1e': 2 } }), false, 'a kind starting with a digit');
  t.equal(accepts({ votesByMembershipKind: { 'producent!': 2 } }), false, 'a kind ending in something else');
});

t.test('BW 2:38 lid 1: a member of no kind has one vote, whatever a kind is called', async (t) => {
  const rules = cooperativeRulesSchema.parse({ votesByMembershipKind: { null: 3, producent: 2 } });
  t.equal(votesOf(rules, { membershipKind: null, turnoverCents: null }), 1);
  t.equal(votesOf(rules, { membershipKind: 'null', turnoverCents: null }), 3);
  t.equal(votesOf(rules, { membershipKind: 'producent', turnoverCents: null }), 2);
  t.equal(votesOf(rules, { membershipKind: 'afnemer', turnoverCents: null }), 1);
});
