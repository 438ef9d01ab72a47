import t from 'tap';
import { EventRegistry } from '@meent/eventsourcing';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { budgetContextEvents } from '@meent/budget/events';
import {
  BudgetAdopted,
  BudgetAdoptionRefused,
  BudgetAdoptionWithdrawn,
  BudgetDrafted,
  BudgetLineRemoved,
  BudgetLineSet,
  BudgetSubmitted,
  type BudgetLine,
} from '@meent/budget';
import { budgetAggregate, budgetDecider, budgetStream, linesInForce, type BudgetCommand } from '../src/domain/budget.decider.js';

const spec = deciderSpecification(budgetDecider, budgetContextEvents);
const budgetId = '0193a6f0-0000-7000-8000-0000000000d1';
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const motionId = '0193a6f0-0000-7000-8000-0000000000b1';
const now = new Date('2026-10-01T10:00:00.000Z');
const at = now.toISOString();

const garden: BudgetLine = { code: '4100', name: 'Buurtmoestuin', kind: 'expense', amountCents: 250_000 };
const rent: BudgetLine = { code: '8000', name: 'Huurinkomsten', kind: 'income', amountCents: 1_200_000 };
const calendar2027 = { firstDay: '2027-01-01', lastDay: '2027-12-31' };
const drafted = BudgetDrafted({ budgetId, cooperativeId, financialYear: 2027, period: calendar2027, title: 'Begroting 2027', draftedAt: at });
const lineSet = (line: BudgetLine) => BudgetLineSet({ ...line, budgetId, setAt: at });
const submitted = (version: number, ...lines: BudgetLine[]) => BudgetSubmitted({ budgetId, version, lines, submittedAt: at });
const adopted = (version: number, round: number, ...lines: BudgetLine[]) =>
  BudgetAdopted({ budgetId, cooperativeId, financialYear: 2027, version, lines, motionId, round, adoptedAt: at });
const decision = (passed: boolean, round = 1, motion = motionId): BudgetCommand => ({
  type: 'RecordAdoptionDecision',
  motionId: motion,
  round,
  passed,
  now,
});

t.test("BW 2:10a: a budget's year spans the days the statutes' financial year does", async (t) => {
  spec(t)
    .given()
    .when({ type: 'DraftBudget', budgetId, cooperativeId, financialYear: 2026, financialYearStartMonth: 7, title: 'Begroting 2026/27', now })
    .then(
      BudgetDrafted({
        budgetId,
        cooperativeId,
        financialYear: 2026,
        period: { firstDay: '2026-07-01', lastDay: '2027-06-30' },
        title: 'Begroting 2026/27',
        draftedAt: at,
      }),
    );
});

t.test('the treasurer drafts line by line and submits', async (t) => {
  spec(t)
    .given()
    .when({ type: 'DraftBudget', budgetId, cooperativeId, financialYear: 2027, financialYearStartMonth: 1, title: 'Begroting 2027', now })
    .then(drafted);
  spec(t).given(drafted).when({ type: 'SetLine', line: garden, now }).then(lineSet(garden));
  spec(t)
    .given(drafted, lineSet(rent), lineSet(garden))
    .when({ type: 'SubmitBudget', now })
    .then(submitted(1, garden, rent));
  spec(t)
    .given(drafted, lineSet(garden))
    .when({ type: 'RemoveLine', code: '4100', now })
    .then(BudgetLineRemoved({ budgetId, code: '4100', removedAt: at }));
});

t.test('rejects an empty budget, a change while before the assembly, and an unknown line', async (t) => {
  spec(t).given(drafted).when({ type: 'SubmitBudget', now }).thenError('BUDGET.EMPTY', { statusCode: 422 });
  spec(t).given(drafted, lineSet(garden), submitted(1, garden)).when({ type: 'SetLine', line: rent, now }).thenError('BUDGET.SUBMITTED', {
    statusCode: 409,
  });
  spec(t).given(drafted).when({ type: 'RemoveLine', code: '9999', now }).thenError('BUDGET.NO_SUCH_LINE', { statusCode: 404 });
});

t.test('a passed budget-adoption motion adopts the submitted version', async (t) => {
  spec(t).given(drafted, lineSet(garden), submitted(1, garden)).when(decision(true)).then(adopted(1, 1, garden));
});

t.test('a rejected budget stays a draft, and can be changed and submitted again', async (t) => {
  const refused = BudgetAdoptionRefused({ budgetId, version: 1, motionId, round: 1, refusedAt: at });
  spec(t).given(drafted, lineSet(garden), submitted(1, garden)).when(decision(false)).then(refused);
  const smaller = { ...garden, amountCents: 100_000 };
  spec(t)
    .given(drafted, lineSet(garden), submitted(1, garden), refused, lineSet(smaller))
    .when({ type: 'SubmitBudget', now })
    .then(submitted(2, smaller));
});

t.test('an amendment goes the same way; the budget in force stays until it is adopted', async (t) => {
  const raised = { ...garden, amountCents: 300_000 };
  const history = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden), lineSet(raised), submitted(2, raised)];
  const state = history.reduce(budgetDecider.evolve, budgetDecider.initialState);
  t.same(linesInForce(state), [garden]);
  const amendmentMotion = '0193a6f0-0000-7000-8000-0000000000b2';
  spec(t)
    .given(...history)
    .when(decision(true, 1, amendmentMotion))
    .then(BudgetAdopted({ budgetId, cooperativeId, financialYear: 2027, version: 2, lines: [raised], motionId: amendmentMotion, round: 1, adoptedAt: at }));
  spec(t)
    .given(drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden))
    .when({ type: 'SubmitBudget', now })
    .thenError('BUDGET.NOTHING_TO_AMEND', { statusCode: 422 });
});

t.test('a challenged adoption voted down in the new round is withdrawn; one voted up stands', async (t) => {
  const history = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden)];
  spec(t)
    .given(...history)
    .when(decision(false, 2))
    .then(BudgetAdoptionWithdrawn({ budgetId, version: 1, motionId, round: 2, withdrawnAt: at }));
  spec(t).given(...history).when(decision(true, 2)).then();
  spec(t).given(...history).when(decision(true, 1)).then();
});

t.test('a challenged refusal passed in the new round adopts the version voted on', async (t) => {
  const refused = BudgetAdoptionRefused({ budgetId, version: 1, motionId, round: 1, refusedAt: at });
  spec(t).given(drafted, lineSet(garden), submitted(1, garden), refused).when(decision(true, 2)).then(adopted(1, 2, garden));
});

t.test('a decision about a budget not before the assembly changes nothing', async (t) => {
  spec(t).given(drafted, lineSet(garden)).when(decision(true)).then();
});

t.test('one budget per id, and no command to a budget never drafted', async (t) => {
  spec(t)
    .given(drafted)
    .when({ type: 'DraftBudget', budgetId, cooperativeId, financialYear: 2027, financialYearStartMonth: 1, title: 'Begroting 2027', now })
    .thenError('BUDGET.ALREADY_DRAFTED', { statusCode: 409 });
  spec(t).given().when({ type: 'SetLine', line: garden, now }).thenError('BUDGET.NOT_FOUND', { statusCode: 404 });
  spec(t).given().when(decision(true)).thenError('BUDGET.NOT_FOUND', { statusCode: 404 });
  t.strictSame(linesInForce(budgetDecider.initialState), [], 'nothing is in force before a budget is drafted');
});

t.test('a budget is kept in its own stream, which exists once drafted', async (t) => {
  t.equal(budgetStream(budgetId), `budget-${budgetId}`);
  t.equal(budgetAggregate.stream(budgetId), `budget-${budgetId}`);
  t.equal(budgetAggregate.exists(budgetDecider.initialState), false);
  t.equal(budgetAggregate.exists(budgetDecider.evolve(budgetDecider.initialState, drafted)), true);
});

t.test('setting a line again replaces it; lines past exact sums are refused', async (t) => {
  const nearlyAll = Number.MAX_SAFE_INTEGER - 10;
  const reserves: BudgetLine = { code: '8100', name: 'Reserves', kind: 'income', amountCents: nearlyAll };
  spec(t)
    .given(drafted, lineSet(garden), lineSet({ ...garden, amountCents: 1 }))
    .when({ type: 'SubmitBudget', now })
    .then(submitted(1, { ...garden, amountCents: 1 }));
  spec(t)
    .given(drafted, lineSet(reserves))
    .when({ type: 'SetLine', line: { ...reserves, amountCents: 20 }, now })
    .then(lineSet({ ...reserves, amountCents: 20 }));
  spec(t)
    .given(drafted, lineSet(reserves))
    .when({ type: 'SetLine', line: { ...garden, amountCents: 20 }, now })
    .thenError('BUDGET.SUM_NOT_EXACT', { statusCode: 422 });
  spec(t)
    .given(drafted, lineSet(reserves))
    .when({ type: 'SetLine', line: { ...rent, amountCents: 20 }, now })
    .thenError('BUDGET.SUM_NOT_EXACT', { statusCode: 422 });
});

t.test('nothing changes while a budget or an amendment is before the assembly', async (t) => {
  const raised = { ...garden, amountCents: 300_000 };
  const amending = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden), lineSet(raised), submitted(2, raised)];
  spec(t).given(...amending).when({ type: 'SetLine', line: rent, now }).thenError('BUDGET.SUBMITTED', { statusCode: 409 });
  spec(t).given(...amending).when({ type: 'RemoveLine', code: '4100', now }).thenError('BUDGET.SUBMITTED', { statusCode: 409 });
  spec(t).given(...amending).when({ type: 'SubmitBudget', now }).thenError('BUDGET.SUBMITTED', { statusCode: 409 });
  spec(t).given(drafted, lineSet(garden), submitted(1, garden)).when({ type: 'RemoveLine', code: '4100', now }).thenError('BUDGET.SUBMITTED');
});

t.test('an amendment is submitted when its lines differ from those in force', async (t) => {
  const inForce = [drafted, lineSet(rent), lineSet(garden), submitted(1, garden, rent), adopted(1, 1, garden, rent)];
  const raised = { ...garden, amountCents: 300_000 };
  spec(t).given(...inForce, lineSet(raised)).when({ type: 'SubmitBudget', now }).then(submitted(2, raised, rent));
  spec(t)
    .given(...inForce, BudgetLineRemoved({ budgetId, code: '4100', removedAt: at }))
    .when({ type: 'SubmitBudget', now })
    .then(submitted(2, rent));
  spec(t)
    .given(...inForce, lineSet(raised), lineSet(garden))
    .when({ type: 'SubmitBudget', now })
    .thenError('BUDGET.NOTHING_TO_AMEND', { statusCode: 422 });
});

t.test('an amendment voted down leaves the budget in force, and the draft as it was submitted', async (t) => {
  const raised = { ...garden, amountCents: 300_000 };
  const amendmentMotion = '0193a6f0-0000-7000-8000-0000000000b2';
  const refusedAmendment = BudgetAdoptionRefused({ budgetId, version: 2, motionId: amendmentMotion, round: 1, refusedAt: at });
  const history = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden), lineSet(raised), submitted(2, raised), refusedAmendment];
  t.strictSame(linesInForce(history.reduce(budgetDecider.evolve, budgetDecider.initialState)), [garden]);
  spec(t).given(...history, lineSet(garden)).when({ type: 'SubmitBudget', now }).thenError('BUDGET.NOTHING_TO_AMEND');
  spec(t).given(...history).when({ type: 'SubmitBudget', now }).then(submitted(3, raised));
});

t.test('a withdrawn adoption puts the budget before it back in force, its lines in the draft', async (t) => {
  const raised = { ...garden, amountCents: 300_000 };
  const amendmentMotion = '0193a6f0-0000-7000-8000-0000000000b2';
  const first = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden)];
  const withdrawnFirst = BudgetAdoptionWithdrawn({ budgetId, version: 1, motionId, round: 2, withdrawnAt: at });
  t.strictSame(linesInForce([...first, withdrawnFirst].reduce(budgetDecider.evolve, budgetDecider.initialState)), []);
  spec(t).given(...first, withdrawnFirst).when({ type: 'SubmitBudget', now }).then(submitted(2, garden));
  const amended = [
    ...first,
    lineSet(raised),
    submitted(2, raised),
    BudgetAdopted({ budgetId, cooperativeId, financialYear: 2027, version: 2, lines: [raised], motionId: amendmentMotion, round: 1, adoptedAt: at }),
    BudgetAdoptionWithdrawn({ budgetId, version: 2, motionId: amendmentMotion, round: 2, withdrawnAt: at }),
  ];
  t.strictSame(linesInForce(amended.reduce(budgetDecider.evolve, budgetDecider.initialState)), [garden], 'the first adoption is in force again');
  spec(t).given(...amended).when({ type: 'SubmitBudget', now }).then(submitted(3, raised));
  spec(t).given(...amended, lineSet(garden)).when({ type: 'SubmitBudget', now }).thenError('BUDGET.NOTHING_TO_AMEND');
  spec(t)
    .given(...amended)
    .when(decision(false, 2))
    .then(BudgetAdoptionWithdrawn({ budgetId, version: 1, motionId, round: 2, withdrawnAt: at }));
});

t.test('a decision delivered twice, or about another motion, changes nothing', async (t) => {
  const inForce = [drafted, lineSet(garden), submitted(1, garden), adopted(1, 1, garden)];
  spec(t).given(...inForce).when(decision(false, 1)).then();
  const refused = BudgetAdoptionRefused({ budgetId, version: 1, motionId, round: 1, refusedAt: at });
  const refusedOnce = [drafted, lineSet(garden), submitted(1, garden), refused];
  spec(t).given(...refusedOnce).when(decision(false, 1)).then();
  spec(t).given(...refusedOnce).when(decision(true, 1)).then();
  spec(t).given(...refusedOnce).when(decision(false, 2)).then();
  spec(t).given(...refusedOnce).when(decision(true, 2, '0193a6f0-0000-7000-8000-0000000000b9')).then();
});

t.test('a budget drafted before financial years had their own days reads as one of the calendar year', async (t) => {
  const { period: _period, ...before } = drafted.data;
  const read = new EventRegistry(budgetContextEvents).decode({
    id: budgetId,
    stream: budgetStream(budgetId),
    revision: 0,
    position: 1,
    type: 'BudgetDrafted',
    data: { ...before },
    metadata: { eventId: budgetId, cooperativeId, actor: { id: 'treasurer', roles: ['treasurer'] }, correlationId: 'c', causationId: null, occurredAt: at, schemaVersion: 1 },
  });
  t.strictSame(read.data, { ...before, period: { firstDay: '2027-01-01', lastDay: '2027-12-31' } });
  t.equal(read.metadata.schemaVersion, 2);
});
