import t from 'tap';
import { cooperativeRulesSchema } from '@meent/membership';

t.test('with no rules given, the defaults of DESIGN §4 apply', async (t) => {
  const rules = cooperativeRulesSchema.parse({});
  t.match(rules, {
    noticeDays: 14,
    statuteAmendmentNoticeDays: 7,
    statuteTextDepositDays: 5,
    assemblyRequestShare: { numerator: 1, denominator: 10 },
    proxiesAllowed: true,
    maxProxiesPerHolder: 1,
    decisions: {
      ordinary: { majority: 'simple', quorum: null },
      'statute-amendment': { majority: 'two-thirds', quorum: null },
      dissolution: { majority: 'two-thirds', quorum: null },
    },
    financialYearStartMonth: 1,
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
