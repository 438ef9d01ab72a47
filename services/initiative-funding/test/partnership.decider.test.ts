import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { initiativeEvents as initiativeContextEvents } from '@meent/initiative-funding/events';
import { PartnerContributionBooked, PartnerRegistered, PartnershipAgreed, PartnershipEnded } from '@meent/initiative-funding/events';
import { partnerOfferSchema, type PartnerOffer } from '../src/domain/partner.events.js';
import { partnerAggregate, partnerDecider } from '../src/domain/partner.decider.js';
import { partnershipAggregate, partnershipDecider, type PartnershipCommand } from '../src/domain/partnership.decider.js';

const spec = deciderSpecification(partnershipDecider, initiativeContextEvents);
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [partnershipId, cooperativeId, partnerId, initiativeId, secretary] = [id(1), id(2), id(3), id(4), id(5)];
const now = new Date('2027-03-01T10:00:00.000Z');
const at = now.toISOString();
/** The vocational college lends a jobcoach four hours a week and its workshop; no money. */
const offer = { expertise: 'Begeleiding naar werk', role: 'jobcoach', hoursPerYear: 200, coFundingCents: null, space: 'De werkplaats op woensdag' };

const agree = (overrides: Partial<Extract<PartnershipCommand, { type: 'AgreePartnership' }>> = {}): PartnershipCommand => ({
  type: 'AgreePartnership',
  partnershipId,
  cooperativeId,
  partnerId,
  initiativeId,
  initiativeRuns: true,
  offer,
  from: '2027-03-01',
  until: '2027-12-31',
  agreedBy: secretary,
  now,
  ...overrides,
});
const agreed = PartnershipAgreed({ partnershipId, cooperativeId, partnerId, initiativeId, offer, from: '2027-03-01', until: '2027-12-31', agreedBy: secretary, agreedAt: at });
const book = (kind: 'expertise' | 'hours' | 'co-funding' | 'space', quantity: number | null, on = '2027-04-02', contributionId = id(10)): PartnershipCommand => ({
  type: 'BookContribution',
  contributionId,
  kind,
  quantity,
  description: 'Werkmiddag met vijf deelnemers',
  on,
  bookedBy: secretary,
  now,
});
const booked = (kind: 'expertise' | 'hours' | 'space', quantity: number | null, on = '2027-04-02', contributionId = id(10)) =>
  PartnerContributionBooked({ partnershipId, contributionId, kind, quantity, description: 'Werkmiddag met vijf deelnemers', on, bookedBy: secretary, bookedAt: at });

t.test('a partner is registered once', async (t) => {
  const partners = deciderSpecification(partnerDecider, initiativeContextEvents);
  const register = { type: 'RegisterPartner' as const, partnerId, cooperativeId, name: 'ROC Midden', kind: 'college' as const, registeredBy: secretary, now };
  const registered = PartnerRegistered({ partnerId, cooperativeId, name: 'ROC Midden', kind: 'college', registeredBy: secretary, registeredAt: at });
  partners(t).given().when(register).then(registered);
  partners(t).given(registered).when(register).thenError('PARTNER.EXISTS', { statusCode: 409 });
  t.equal(partnerAggregate.stream(partnerId), `partner-${partnerId}`);
  t.equal(partnerAggregate.exists(partnerDecider.initialState), false);
  t.strictSame(partnerDecider.evolve(partnerDecider.initialState, registered), { status: 'Registered', partnerId, name: 'ROC Midden', kind: 'college' });
  t.equal(partnerAggregate.exists(partnerDecider.evolve(partnerDecider.initialState, registered)), true);
});

t.test('a partnership is agreed with an initiative that still runs, for a period that does not end before it begins', async (t) => {
  spec(t).given().when(agree()).then(agreed);
  spec(t).given().when(agree({ until: null })).then(PartnershipAgreed({ ...agreed.data, until: null }));
  spec(t).given().when(agree({ until: '2027-02-28' })).thenError('PARTNERSHIP.ENDS_BEFORE_IT_BEGINS', { statusCode: 422 });
  spec(t).given().when(agree({ initiativeRuns: false })).thenError('PARTNERSHIP.INITIATIVE_ENDED', { statusCode: 409 });
  spec(t).given(agreed).when(agree()).thenError('PARTNERSHIP.EXISTS');
});

t.test('a contribution is of a kind the partnership brings, with a quantity only for hours and money, within its period', async (t) => {
  spec(t).given(agreed).when(book('hours', 4)).then(booked('hours', 4));
  spec(t).given(agreed).when(book('expertise', null)).then(booked('expertise', null));
  spec(t).given(agreed).when(book('space', null)).then(booked('space', null));
  spec(t).given(agreed, booked('hours', 4)).when(book('hours', 4)).then();
  spec(t).given(agreed).when(book('co-funding', 50_000)).thenError('PARTNERSHIP.NOT_OFFERED', { statusCode: 422, message: 'The partnership does not bring co-funding' });
  spec(t).given(agreed).when(book('hours', null)).thenError('PARTNERSHIP.QUANTITY', { statusCode: 422 });
  spec(t).given(agreed).when(book('space', 3)).thenError('PARTNERSHIP.QUANTITY');
  // Its first and last day count; a day before or after does not.
  spec(t).given(agreed).when(book('hours', 4, '2027-03-01')).then(booked('hours', 4, '2027-03-01'));
  spec(t).given(agreed).when(book('hours', 4, '2027-12-31')).then(booked('hours', 4, '2027-12-31'));
  spec(t).given(agreed).when(book('hours', 4, '2027-02-28')).thenError('PARTNERSHIP.OUTSIDE_PERIOD', { statusCode: 422 });
  spec(t).given(agreed).when(book('hours', 4, '2028-01-01')).thenError('PARTNERSHIP.OUTSIDE_PERIOD');
  spec(t).given().when(book('hours', 4)).thenError('PARTNERSHIP.NOT_FOUND', { statusCode: 404 });
});

t.test('a partnership ends on a last day within its period, never before a contribution booked', async (t) => {
  const end = (lastDay: string): PartnershipCommand => ({ type: 'EndPartnership', lastDay, reason: 'Het project gaat zelfstandig verder', endedBy: secretary, now });
  const ended = PartnershipEnded({ partnershipId, lastDay: '2027-06-30', reason: 'Het project gaat zelfstandig verder', endedBy: secretary, endedAt: at });
  spec(t).given(agreed, booked('hours', 4)).when(end('2027-06-30')).then(ended);
  spec(t).given(agreed, booked('hours', 4, '2027-07-01')).when(end('2027-06-30')).thenError('PARTNERSHIP.CONTRIBUTIONS_AFTER', { statusCode: 409 });
  spec(t).given(agreed).when(end('2028-01-01')).thenError('PARTNERSHIP.OUTSIDE_PERIOD');
  spec(t).given(agreed, ended).when(end('2027-06-30')).thenError('PARTNERSHIP.ENDED', { statusCode: 409 });
  // Once ended, nothing is booked after its last day.
  spec(t).given(agreed, ended).when(book('hours', 4, '2027-07-01')).thenError('PARTNERSHIP.OUTSIDE_PERIOD');
});

t.test('a partnership is its own stream, which exists once agreed', async (t) => {
  t.equal(partnershipAggregate.stream(partnershipId), `partnership-${partnershipId}`);
  t.equal(partnershipAggregate.exists(partnershipDecider.initialState), false);
  t.equal(partnershipAggregate.exists(partnershipDecider.evolve(partnershipDecider.initialState, agreed)), true);
});

t.test('what a partner offers: trimmed, each within its length, and at least one thing', async (t) => {
  t.strictSame(partnerOfferSchema.parse({ expertise: '  Taallessen ', hoursPerYear: 80 }), {
    expertise: 'Taallessen',
    role: null,
    hoursPerYear: 80,
    coFundingCents: null,
    space: null,
  });
  t.strictSame(partnerOfferSchema.parse({ role: ' Docent ', space: ' Lokaal 3 ' }), { expertise: null, role: 'Docent', hoursPerYear: null, coFundingCents: null, space: 'Lokaal 3' });
  const accepts = (offer: object) => partnerOfferSchema.safeParse(offer).success;
  t.equal(accepts({}), false, 'an offer of nothing');
  t.equal(accepts({ expertise: '   ' }), false, 'an offer of spaces');
  t.equal(accepts({ coFundingCents: Number.MAX_SAFE_INTEGER }), true);
  t.equal(accepts({ coFundingCents: 0 }), false);
  t.equal(accepts({ hoursPerYear: 10_000 }), true);
  t.equal(accepts({ hoursPerYear: 10_001 }), false);
  t.equal(accepts({ expertise: 'e'.repeat(500), role: 'r'.repeat(100), space: 's'.repeat(500) }), true);
  t.equal(accepts({ expertise: 'e'.repeat(501) }), false);
  t.equal(accepts({ role: 'r'.repeat(101) }), false);
  t.equal(accepts({ space: 's'.repeat(501) }), false);
});

t.test('a partnership brings only what it offered; its first and last day are in it; it may last a single day', async (t) => {
  const agreedAs = (partial: Partial<PartnerOffer>) => PartnershipAgreed({ ...agreed.data, offer: { ...offer, ...partial } });
  spec(t).given(agreedAs({ hoursPerYear: null })).when(book('hours', 4)).thenError('PARTNERSHIP.NOT_OFFERED', { message: 'The partnership does not bring hours' });
  spec(t).given(agreedAs({ space: null })).when(book('space', null)).thenError('PARTNERSHIP.NOT_OFFERED', { message: 'The partnership does not bring space' });
  spec(t).given(agreedAs({ expertise: null })).when(book('expertise', null)).then(booked('expertise', null));
  spec(t).given(agreedAs({ expertise: null, role: null })).when(book('expertise', null)).thenError('PARTNERSHIP.NOT_OFFERED');
  spec(t)
    .given(agreedAs({ coFundingCents: 50_000 }))
    .when(book('co-funding', 25_000))
    .then(PartnerContributionBooked({ ...booked('hours', 25_000).data, kind: 'co-funding' }));
  spec(t).given(agreed).when(book('co-funding', 25_000)).thenError('PARTNERSHIP.NOT_OFFERED');
  spec(t).given(agreed).when(book('hours', null)).thenError('PARTNERSHIP.QUANTITY', { message: 'A hours contribution states how much' });
  spec(t).given(agreed).when(book('space', 2)).thenError('PARTNERSHIP.QUANTITY', { message: 'A space contribution is an occasion, not a quantity' });
  spec(t).given(agreed).when(book('space', null, '2027-03-01')).then(booked('space', null, '2027-03-01'));
  spec(t).given(agreed).when(book('space', null, '2027-12-31')).then(booked('space', null, '2027-12-31'));
  spec(t)
    .given(agreed)
    .when(book('space', null, '2028-01-01'))
    .thenError('PARTNERSHIP.OUTSIDE_PERIOD', { message: 'The partnership runs from 2027-03-01 until 2027-12-31' });
  spec(t)
    .given(PartnershipAgreed({ ...agreed.data, until: null }))
    .when(book('space', null, '2027-02-28'))
    .thenError('PARTNERSHIP.OUTSIDE_PERIOD', { message: 'The partnership runs from 2027-03-01' });
  spec(t)
    .given()
    .when(agree({ until: '2027-03-01' }))
    .then(PartnershipAgreed({ ...agreed.data, until: '2027-03-01' }));
});

t.test('a partnership ends on a day within it, not before a contribution booked', async (t) => {
  const end = (lastDay: string): PartnershipCommand => ({ type: 'EndPartnership', lastDay, reason: 'Het project is klaar', endedBy: secretary, now });
  const ended = (lastDay: string) => PartnershipEnded({ partnershipId, lastDay, reason: 'Het project is klaar', endedBy: secretary, endedAt: at });
  spec(t).given(agreed).when(end('2027-03-01')).then(ended('2027-03-01'));
  spec(t).given(agreed).when(end('2027-12-31')).then(ended('2027-12-31'));
  spec(t).given(agreed).when(end('2027-02-28')).thenError('PARTNERSHIP.OUTSIDE_PERIOD', { message: 'The partnership runs from 2027-03-01 until 2027-12-31' });
  spec(t).given(agreed).when(end('2028-01-01')).thenError('PARTNERSHIP.OUTSIDE_PERIOD');
  spec(t).given(agreed, booked('space', null, '2027-06-01')).when(end('2027-06-01')).then(ended('2027-06-01'));
  spec(t).given(agreed, booked('space', null, '2027-06-01')).when(end('2027-05-31')).thenError('PARTNERSHIP.CONTRIBUTIONS_AFTER');
  spec(t).given(agreed, ended('2027-06-30')).when(book('space', null, '2027-07-01', id(11))).thenError('PARTNERSHIP.OUTSIDE_PERIOD', { message: 'The partnership runs from 2027-03-01 until 2027-06-30' });
});
