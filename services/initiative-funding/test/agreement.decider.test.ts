import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { initiativeEvents as initiativeContextEvents } from '@meent/initiative-funding/events';
import { ContinuationReviewed, FundingAgreementMade } from '@meent/initiative-funding/events';
import { agreementAggregate, agreementDecider, type AgreementCommand } from '../src/domain/agreement.decider.js';

const spec = deciderSpecification(agreementDecider, initiativeContextEvents);
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [agreementId, cooperativeId, initiativeId, applicant, chair, boardMember, budget2028, grant2028] = [id(1), id(2), id(3), id(4), id(5), id(6), id(7), id(8)];
const now = new Date('2027-11-15T10:00:00.000Z');
const at = now.toISOString();

const make = (overrides: Partial<Extract<AgreementCommand, { type: 'MakeAgreement' }>> = {}): AgreementCommand => ({
  type: 'MakeAgreement',
  agreementId,
  cooperativeId,
  initiativeId,
  initiativeGranted: true,
  applicantMemberId: applicant,
  firstYear: 2027,
  lastYear: 2029,
  yearlyCents: 200_000,
  madeBy: [chair, boardMember],
  now,
  ...overrides,
});
const made = FundingAgreementMade({ agreementId, cooperativeId, initiativeId, firstYear: 2027, lastYear: 2029, yearlyCents: 200_000, madeBy: [chair, boardMember], madeAt: at });
const grant = {
  initiativeId: grant2028,
  applicant: { kind: 'member' as const, memberId: applicant },
  title: 'Buurtmoestuin (2028)',
  description: 'Year 2028 of the funding agreement for Buurtmoestuin',
  themes: ['meedoen'],
  kind: 'community-initiative' as const,
  budgetId: budget2028,
  lineCode: '4100',
  tranches: [
    { amountCents: 100_000, milestone: 'Voorjaar' },
    { amountCents: 100_000, milestone: 'Najaar' },
  ],
  boardMandateCents: 250_000,
};
const review = (year: number, outcome: 'continued' | 'adjusted' | 'ended', overrides: Partial<Extract<AgreementCommand, { type: 'ReviewContinuation' }>> = {}): AgreementCommand => ({
  type: 'ReviewContinuation',
  year,
  outcome,
  yearlyCents: null,
  reason: 'De tuin draait en de school doet mee',
  reviewedBy: [chair],
  applicantMemberId: applicant,
  grant: outcome === 'ended' ? null : grant,
  now,
  ...overrides,
});
const reviewed = (year: number, outcome: 'continued' | 'adjusted' | 'ended', yearlyCents: number | null, granted: typeof grant | null) =>
  ContinuationReviewed({ agreementId, year, outcome, yearlyCents, reason: 'De tuin draait en de school doet mee', reviewedBy: [chair], grant: granted, reviewedAt: at });

t.test('an agreement is made for a granted initiative, for two to ten years, without its applicant', async (t) => {
  spec(t).given().when(make()).then(made);
  spec(t).given().when(make({ initiativeGranted: false })).thenError('AGREEMENT.NOT_GRANTED', { statusCode: 409 });
  spec(t).given().when(make({ lastYear: 2027 })).thenError('AGREEMENT.YEARS', { statusCode: 422 });
  spec(t).given().when(make({ lastYear: 2036 })).then(FundingAgreementMade({ ...made.data, lastYear: 2036 }));
  spec(t).given().when(make({ lastYear: 2037 })).thenError('AGREEMENT.YEARS');
  spec(t).given().when(make({ madeBy: [chair, applicant] })).thenError('AGREEMENT.RECUSED', { statusCode: 403, rule: 'BW 2:12 conflict of interest' });
  spec(t).given(made).when(make()).thenError('AGREEMENT.EXISTS');
});

t.test('each following year is reviewed in order: continued at its amount, adjusted, or ended with the reason', async (t) => {
  spec(t).given(made).when(review(2028, 'continued')).then(reviewed(2028, 'continued', 200_000, grant));
  const adjusted = { ...grant, tranches: [{ amountCents: 150_000, milestone: 'Het hele jaar' }] };
  spec(t).given(made).when(review(2028, 'adjusted', { yearlyCents: 150_000, grant: adjusted })).then(reviewed(2028, 'adjusted', 150_000, adjusted));
  spec(t).given(made).when(review(2028, 'ended')).then(reviewed(2028, 'ended', null, null));
  spec(t).given(made).when(review(2029, 'continued')).thenError('AGREEMENT.NOT_THE_NEXT_YEAR', { statusCode: 409, message: 'The next year to review is 2028' });
  spec(t).given(made).when(review(2028, 'continued', { reviewedBy: [applicant] })).thenError('AGREEMENT.RECUSED');
  spec(t).given().when(review(2028, 'continued')).thenError('AGREEMENT.NOT_FOUND', { statusCode: 404 });
});

t.test("a continued year's tranches add up to its amount; an adjusted year changes it", async (t) => {
  spec(t).given(made).when(review(2028, 'continued', { grant: { ...grant, tranches: [{ amountCents: 199_999, milestone: 'Bijna' }] } })).thenError('AGREEMENT.AMOUNT', {
    statusCode: 422,
    message: "The year's tranches add up to 199999 cents; the year is 200000",
  });
  spec(t).given(made).when(review(2028, 'adjusted', { yearlyCents: 200_000 })).thenError('AGREEMENT.AMOUNT');
  spec(t).given(made).when(review(2028, 'adjusted')).thenError('AGREEMENT.AMOUNT');
  spec(t).given(made).when(review(2028, 'continued', { grant: null })).thenError('AGREEMENT.AMOUNT');
  spec(t).given(made).when(review(2028, 'continued', { grant: { ...grant, themes: [] } })).thenError('AGREEMENT.NO_THEME', { statusCode: 422 });
});

t.test('an adjusted amount carries on; an ended agreement, or one past its last year, takes no more reviews', async (t) => {
  const adjusted = { ...grant, tranches: [{ amountCents: 150_000, milestone: 'Het hele jaar' }] };
  const thenAdjusted = reviewed(2028, 'adjusted', 150_000, adjusted);
  const at150 = { ...grant, initiativeId: id(9), tranches: [{ amountCents: 150_000, milestone: 'Het hele jaar' }] };
  spec(t).given(made, thenAdjusted).when(review(2029, 'continued', { grant: at150 })).then(reviewed(2029, 'continued', 150_000, at150));
  spec(t).given(made, reviewed(2028, 'ended', null, null)).when(review(2029, 'continued')).thenError('AGREEMENT.ENDED', { statusCode: 409, message: 'The agreement is ended' });
  spec(t)
    .given(made, reviewed(2028, 'continued', 200_000, grant), reviewed(2029, 'continued', 200_000, grant))
    .when(review(2030, 'continued'))
    .thenError('AGREEMENT.ENDED', { message: 'The agreement is completed' });
});

t.test('a funding agreement is its own stream, which exists once made', async (t) => {
  t.equal(agreementAggregate.stream(agreementId), `funding_agreement-${agreementId}`);
  t.equal(agreementAggregate.exists(agreementDecider.initialState), false);
  t.equal(agreementAggregate.exists(agreementDecider.evolve(agreementDecider.initialState, made)), true);
});
