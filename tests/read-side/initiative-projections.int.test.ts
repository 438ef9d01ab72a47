// The initiatives read model, specified as given events → then what a query answers: status and money flow now, and
// as they stood at a date.
import t from 'tap';
import { ReservationReleased, budgetContextEvents } from '@meent/budget/events';
import { projectionSpecification, recorded } from '@meent/eventsourcing/testing';
import { FundingRevoked, InitiativeFundsReserved, TrancheDisbursed, initiativeEvents } from '@meent/initiative-funding/events';
import { initiativeDetail, initiativesOf, initiativesProjection } from '../../services/initiative-funding/src/projections/initiatives.projection.js';
import {
  applicantId,
  at,
  budgetId,
  cooperativeId,
  fundingApproved,
  greenLine,
  initiativeCompleted,
  initiativeId,
  initiativeSubmitted,
  otherCooperativeId,
  reservationId,
  trancheApproved,
} from './fixtures.js';

const events = [...initiativeEvents, ...budgetContextEvents];
const on = (day: string) => ({ at: at(day), cooperativeId });
const initiative = `initiative-${initiativeId}`;
const reserved = recorded(initiative, InitiativeFundsReserved({ initiativeId, reservationId, amountCents: 120_000, reservedAt: at('2027-01-20') }), on('2027-01-20'));
const paid = recorded(initiative, TrancheDisbursed({ initiativeId, trancheNumber: 1, amountCents: 80_000, disbursedAt: at('2027-02-01') }), on('2027-02-01'));
const released = recorded(
  `ledger-${budgetId}`,
  ReservationReleased({
    reservationId,
    reference: { kind: 'initiative', id: initiativeId },
    lineCode: greenLine.code,
    amountCents: 40_000,
    reason: 'The initiative is completed',
    releasedOn: '2027-06-01',
    releasedAt: at('2027-06-01'),
  }),
  on('2027-06-01'),
);

const summary = {
  id: initiativeId,
  title: 'Moestuin achter de school',
  applicant: { kind: 'member' as const, memberId: applicantId },
  advice: null,
  budgetId,
  lineCode: greenLine.code,
  tranchesPlanned: 2,
  submittedAt: at('2027-01-10'),
  themes: ['leren', 'meedoen'],
  kind: 'community-initiative' as const,
};
const noMoney = { requestedCents: 120_000, grantedCents: 0, reservedCents: 0, disbursedCents: 0, releasedCents: 0, remainingCents: 0, claimedCents: 0 };

t.test('initiatives: from submission to completion, with the money granted, reserved, paid and released', async (t) => {
  const spec = projectionSpecification(t, initiativesProjection, events).given(
    initiativeSubmitted,
    fundingApproved,
    reserved,
    trancheApproved,
    paid,
    initiativeCompleted,
    released,
  );
  await spec.then(async (reader, tables) => (await initiativesOf(reader, tables, { cooperativeId, theme: 'werken' })).length, 0, 'none under a theme it does not work on');
  await spec.then(async (reader, tables) => (await initiativesOf(reader, tables, { cooperativeId, theme: 'leren' })).map((entry) => entry.id), [initiativeId], 'found by its theme');
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId }), [
    {
      ...summary,
      status: 'completed',
      tranchesPaid: 1,
      money: { requestedCents: 120_000, grantedCents: 120_000, reservedCents: 120_000, disbursedCents: 80_000, releasedCents: 40_000, remainingCents: 0, claimedCents: 0 },
    },
  ]);
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId, statuses: ['submitted', 'approved'] }), [], 'no longer in the pipeline');
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId: otherCooperativeId }), [], 'another cooperative has none');
  await spec.then(
    async (reader, tables) => (await initiativeDetail(reader, tables, cooperativeId, initiativeId, { asOf: at('2027-01-15') }))?.status,
    'submitted',
    'as it stood before the grant',
  );
  await spec.then(
    async (reader, tables) => (await initiativeDetail(reader, tables, cooperativeId, initiativeId))?.history.map((entry) => entry.type),
    ['InitiativeSubmitted', 'FundingApproved', 'InitiativeFundsReserved', 'TrancheApproved', 'TrancheDisbursed', 'InitiativeCompleted', 'ReservationReleased'],
    'its history in order, the money given back included',
  );
});

t.test('initiatives: the list by applicant, and as it stood at a date', async (t) => {
  const spec = projectionSpecification(t, initiativesProjection, events).given(initiativeSubmitted, fundingApproved);
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId, applicantMemberId: applicantId, asOf: at('2027-01-12') }), [
    { ...summary, status: 'submitted', tranchesPaid: 0, money: noMoney },
  ]);
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId, statuses: ['approved'] }), [
    { ...summary, status: 'approved', tranchesPaid: 0, money: { ...noMoney, grantedCents: 120_000 } },
  ]);
});

t.test('initiatives: a grant revoked by a new vote is rejected, with nothing granted and its reservation given back', async (t) => {
  const revoked = recorded(
    initiative,
    FundingRevoked({ initiativeId, cooperativeId, budgetId, reservationId, motionId: '0193a6f0-0000-7000-8000-0000000000d1', round: 2, revokedAt: at('2027-01-21') }),
    on('2027-01-21'),
  );
  const givenBack = recorded(
    `ledger-${budgetId}`,
    ReservationReleased({
      reservationId,
      reference: { kind: 'initiative', id: initiativeId },
      lineCode: greenLine.code,
      amountCents: 120_000,
      reason: 'The grant was revoked by a new vote (BW 2:13 lid 4)',
      releasedOn: '2027-01-21',
      releasedAt: at('2027-01-21'),
    }),
    on('2027-01-21'),
  );
  const spec = projectionSpecification(t, initiativesProjection, events).given(initiativeSubmitted, fundingApproved, reserved, revoked, givenBack);
  await spec.then((reader, tables) => initiativesOf(reader, tables, { cooperativeId }), [
    {
      ...summary,
      status: 'rejected',
      tranchesPaid: 0,
      money: { ...noMoney, reservedCents: 120_000, releasedCents: 120_000 },
    },
  ]);
});
