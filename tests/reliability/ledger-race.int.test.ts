// Two expenses compete for the last euro of a line, over and over, from two connections to one store as two
// processes would: each time exactly one is booked and the other refused, and the line is never exceeded.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { CommandHandler, DomainError, EventRegistry, type CommandContext } from '@meent/eventsourcing';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { createBudget } from '@meent/budget';
import { v7 as uuidv7 } from 'uuid';
import { budgetDecider, budgetStream } from '../../services/budget/src/domain/budget.decider.js';
import { availableCents, ledgerDecider, ledgerStream, type BudgetInForce, type LedgerCommand } from '../../services/budget/src/domain/ledger.decider.js';

const ROUNDS = 50;
const cooperativeId = uuidv7();
const budgetId = uuidv7();
const line = { code: '4100', name: 'Buurtmoestuin', kind: 'expense' as const, amountCents: 100 };
const context = (): CommandContext => ({
  cooperativeId,
  actor: { id: 'treasurer', roles: ['member'] },
  correlationId: uuidv7(),
  occurredAt: new Date('2027-03-01T10:00:00.000Z'),
});

t.test(`the last euro of a line, ${ROUNDS} times: exactly one of two expenses is booked`, async (t) => {
  const directory = temporaryDirectory(t);
  const registry = new EventRegistry(createBudget().events);
  const processes = [1, 2].map(() => {
    const store = new SqliteEventStore({ path: join(directory, 'events.db') });
    t.teardown(() => store.close());
    return new CommandHandler({ store, registry });
  }) as [CommandHandler, CommandHandler];
  const [first, second] = processes;
  const now = new Date('2027-01-01T10:00:00.000Z');
  for (const command of [
    { type: 'DraftBudget', budgetId, cooperativeId, financialYear: 2027, financialYearStartMonth: 1, title: 'Begroting 2027', now },
    { type: 'SetLine', line, now },
    { type: 'SubmitBudget', now },
    { type: 'RecordAdoptionDecision', motionId: uuidv7(), round: 1, passed: true, now },
  ] as const) {
    await first.handle(budgetStream(budgetId), budgetDecider, command, context());
  }
  const budget: BudgetInForce = { adopted: true, lines: new Map([[line.code, line]]), financialYear: 2027, period: { firstDay: '2027-01-01', lastDay: '2027-12-31' } };
  const expense = (expenseId: string): LedgerCommand => ({
    type: 'SubmitExpense',
    expenseId,
    lineCode: line.code,
    payee: 'Tuincentrum Groen',
    amountCents: 100,
    invoiceReference: expenseId,
    description: 'De laatste euro',
    by: 'treasurer',
    fourEyesThresholdCents: 50_000,
    override: null,
    budget,
    today: '2027-03-01',
    now,
  });

  let exactlyOne = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const ids = [uuidv7(), uuidv7()];
    const outcomes = await Promise.allSettled(
      processes.map((process, index) => process.handle(ledgerStream(budgetId), ledgerDecider, expense(ids[index]!), context())),
    );
    const booked = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [ids[index]!] : []));
    const refused = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && outcome.reason instanceof DomainError && outcome.reason.code === 'LEDGER.LINE_EXHAUSTED',
    );
    if (booked.length === 1 && refused.length === 1) exactlyOne += 1;
    // The reversal gives the line its euro back for the next round.
    await second.handle(
      ledgerStream(budgetId),
      ledgerDecider,
      { type: 'ReverseEntry', reversalId: uuidv7(), entryId: booked[0] ?? '', reason: 'next round', by: 'treasurer', budget, today: '2027-03-01', now },
      context(),
    );
  }
  t.equal(exactlyOne, ROUNDS, 'one booked and one refused in every round');
  const { state } = await first.load(ledgerStream(budgetId), ledgerDecider);
  t.equal(availableCents(state, line), 100, 'after every reversal, the euro is back');
  t.equal(state.totals[line.code]?.spentCents, 0);
});
