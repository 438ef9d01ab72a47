import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { cooperativeRulesSchema, CooperativeFounded } from '@meent/membership';
import { cooperativeDecider } from '../src/domain/cooperative.decider.js';

const spec = deciderSpecification(cooperativeDecider);
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const rules = cooperativeRulesSchema.parse({});
const now = new Date('2026-11-25T12:00:00.000Z');
const found = {
  type: 'FoundCooperative',
  cooperativeId,
  name: 'Wijkcoöperatie De Meent',
  chamberOfCommerceNumber: '12345678',
  rules,
  now,
} as const;
const founded = CooperativeFounded({
  cooperativeId,
  name: 'Wijkcoöperatie De Meent',
  chamberOfCommerceNumber: '12345678',
  rules,
  foundedAt: '2026-11-25T12:00:00.000Z',
});

t.test('when no cooperative exists yet', async (t) => {
  t.test('founds it with its rules, at the time on the command', async (t) => {
    spec(t).given().when(found).then(founded);
  });
});

t.test('when the cooperative was founded', async (t) => {
  t.test('rejects founding it again', async (t) => {
    spec(t).given(founded).when(found).thenError('COOPERATIVE.ALREADY_FOUNDED', { statusCode: 409 });
  });
});
