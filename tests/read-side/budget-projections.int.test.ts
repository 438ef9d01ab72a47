// The budgets read model, specified as given events → then what a query answers: status, the draft, and the version
// in force at any moment.
import t from 'tap';
import { BudgetAdoptionWithdrawn, budgetContextEvents } from '@meent/budget/events';
import { projectionSpecification, recorded } from '@meent/eventsourcing/testing';
import { membershipEvents } from '@meent/membership/events';
import {
  budgetsOf,
  budgetsProjection,
  draftLines,
  statusAt,
  versionInForce,
} from '../../services/budget/src/projections/budgets.projection.js';
import { adoptedBudget, at, budgetId, cooperativeId, greenLine, motionId, otherCooperativeId } from './fixtures.js';

const events = [...budgetContextEvents, ...membershipEvents];

t.test('budgets: drafted, submitted, adopted — the status at each moment and the version in force', async (t) => {
  const spec = projectionSpecification(t, budgetsProjection, events).given(...adoptedBudget());
  await spec.then((reader, tables) => budgetsOf(reader, tables, cooperativeId), [
    { id: budgetId, financialYear: 2027, title: 'Begroting 2027', status: 'adopted' },
  ]);
  await spec.then((reader, tables) => budgetsOf(reader, tables, otherCooperativeId), [], 'another cooperative has none');
  await spec.then((reader, tables) => draftLines(reader, tables, budgetId), [greenLine]);
  await spec.then((reader, tables) => statusAt(reader, tables, budgetId, at('2026-10-31'), undefined), undefined, 'before it was drafted');
  await spec.then((reader, tables) => statusAt(reader, tables, budgetId, at('2026-11-05'), undefined), 'submitted');
  await spec.then((reader, tables) => versionInForce(reader, tables, budgetId, at('2026-11-30')), undefined, 'nothing in force before adoption');
  await spec.then((reader, tables) => versionInForce(reader, tables, budgetId, at('2026-12-02')), {
    version: 1,
    lines: [greenLine],
    adoptedAt: at('2026-12-01'),
  });
});

t.test('budgets: an adoption undone by a challenge is no longer in force from then on', async (t) => {
  const withdrawn = recorded(
    `budget-${budgetId}`,
    BudgetAdoptionWithdrawn({ budgetId, version: 1, motionId, round: 1, withdrawnAt: at('2026-12-02') }),
    { at: at('2026-12-02'), cooperativeId },
  );
  const spec = projectionSpecification(t, budgetsProjection, events).given(...adoptedBudget(), withdrawn);
  await spec.then(async (reader, tables) => (await versionInForce(reader, tables, budgetId, at('2026-12-01')))?.version, 1, 'in force the day it was adopted');
  await spec.then((reader, tables) => versionInForce(reader, tables, budgetId, at('2026-12-03')), undefined, 'withdrawn after');
});
