import t from 'tap';
import { EventRegistry, Projections, type DomainEvent } from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import {
  BudgetAdopted,
  BudgetDrafted,
  DisbursementBooked,
  EntryReversed,
  ExpenseBooked,
  ExpensePaid,
  ExpenseSubmitted,
  FundsReserved,
  IncomeRecorded,
  ReservationReleased,
  createBudget,
} from '@meent/budget';
import { budgetActuals } from '../src/application/budget.js';
import { budgetsProjection } from '../src/projections/budgets.projection.js';
import { ledgerProjection } from '../src/projections/ledger.projection.js';

const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const cooperativeId = id(1);
const budgetId = id(2);
const at = (date: string) => `${date}T10:00:00.000Z`;

t.test('budget versus actuals and cash, now and as of any date, from ledger events', async (t) => {
  const { store, readModels } = temporaryStores(t);
  const budget = createBudget();
  const registry = new EventRegistry(budget.events);
  const projections = await Projections.start({ store, readModels, registry, projections: budget.projections });
  t.teardown(() => projections.close());
  let sequence = 100;
  let position = 0;
  const append = async (stream: string, ...events: DomainEvent[]) => {
    const encoded = events.map((event) =>
      registry.encode(event, {
        eventId: id((sequence += 1)),
        cooperativeId,
        actor: { id: 'treasurer-1', roles: ['member'] },
        correlationId: 'test',
        causationId: null,
        occurredAt: at('2027-01-01'),
      }),
    );
    position = (await store.append(stream, encoded, 'any')).position;
  };
  const lines = [
    { code: '4100', name: 'Buurtmoestuin', kind: 'expense' as const, amountCents: 100_000 },
    { code: '8000', name: 'Bijdragen', kind: 'income' as const, amountCents: 50_000 },
  ];
  await append(
    `budget-${budgetId}`,
    BudgetDrafted({ budgetId, cooperativeId, financialYear: 2027, period: { firstDay: '2027-01-01', lastDay: '2027-12-31' }, title: 'Begroting 2027', draftedAt: at('2026-10-01') }),
    BudgetAdopted({ budgetId, cooperativeId, financialYear: 2027, version: 1, lines, motionId: id(3), round: 1, adoptedAt: at('2026-11-01') }),
  );
  const adopted = position;
  const ledger = `ledger-${budgetId}`;
  await append(ledger, IncomeRecorded({ entryId: id(10), lineCode: '8000', source: 'Leden', amountCents: 30_000, receivedOn: '2027-01-05', recordedBy: 'treasurer-1', recordedAt: at('2027-01-05') }));
  await append(
    ledger,
    ExpenseSubmitted({ expenseId: id(11), lineCode: '4100', payee: 'Groen', amountCents: 20_000, invoiceReference: 'F1', description: 'Zaden', submittedBy: 'treasurer-1', needsSecondApprover: false, submittedAt: at('2027-01-10') }),
    ExpenseBooked({ expenseId: id(11), lineCode: '4100', amountCents: 20_000, override: null, bookedOn: '2027-01-10', bookedAt: at('2027-01-10') }),
  );
  await append(ledger, ExpensePaid({ expenseId: id(11), paidOn: '2027-01-12', paidAt: at('2027-01-12') }));
  await append(ledger, FundsReserved({ reservationId: id(12), lineCode: '4100', amountCents: 50_000, reference: { kind: 'initiative', id: id(4) }, override: null, reservedOn: '2027-02-01', reservedAt: at('2027-02-01') }));
  const reservedOnly = position;
  await append(ledger, DisbursementBooked({ disbursementId: id(13), reservationId: id(12), reference: { kind: 'initiative', id: id(4) }, lineCode: '4100', amountCents: 30_000, description: 'Tranche 1', bookedOn: '2027-02-15', bookedAt: at('2027-02-15') }));
  await append(ledger, ReservationReleased({ reservationId: id(12), reference: { kind: 'initiative', id: id(4) }, lineCode: '4100', amountCents: 20_000, reason: 'Afgerond', releasedOn: '2027-03-01', releasedAt: at('2027-03-01') }));
  await append(ledger, EntryReversed({ reversalId: id(14), entryId: id(11), entryKind: 'expense', lineCode: '4100', amountCents: 20_000, reason: 'Creditnota', reversedBy: 'treasurer-1', reversedOn: '2027-03-05', reversedAt: at('2027-03-05') }));
  t.ok(await projections.waitForPosition([budgetsProjection.name, ledgerProjection.name], position, 5000));

  const actualsOn = (date: string, asOfPosition?: number) =>
    projections.query(budgetsProjection, (budgetsReader, budgetsTables) =>
      projections.query(ledgerProjection, (ledgerReader, ledgerTables) =>
        budgetActuals({ reader: budgetsReader, tables: budgetsTables }, { reader: ledgerReader, tables: ledgerTables }, cooperativeId, budgetId, {
          asOfDate: date,
          ...(asOfPosition === undefined ? {} : { asOfPosition }),
        }),
      ),
    );
  const garden = async (date: string, asOfPosition?: number) => {
    const actuals = await actualsOn(date, asOfPosition);
    return { line: actuals?.lines.find((line) => line.code === '4100'), cash: actuals?.cashCents };
  };
  t.match(await garden('2027-01-11'), { line: { spentCents: 20_000, reservedCents: 0, availableCents: 80_000 }, cash: 30_000 }, 'booked, not yet paid');
  t.match(await garden('2027-01-12'), { cash: 10_000 }, 'paid');
  t.match(await garden('2027-02-01'), { line: { spentCents: 20_000, reservedCents: 50_000, availableCents: 30_000 } }, 'reserved');
  t.match(await garden('2027-02-15'), { line: { spentCents: 50_000, reservedCents: 20_000, availableCents: 30_000 }, cash: -20_000 }, 'disbursed from the reservation');
  t.match(await garden('2027-03-01'), { line: { spentCents: 50_000, reservedCents: 0, availableCents: 50_000 } }, 'the rest released');
  t.match(await garden('2027-03-05'), { line: { spentCents: 30_000, availableCents: 70_000 }, cash: 0 }, 'the paid expense reversed, its cash back');
  t.match((await actualsOn('2027-03-05'))?.lines.find((line) => line.code === '8000'), { receivedCents: 30_000, availableCents: 20_000 });
  t.match(await actualsOn('2026-10-31'), { status: 'draft', version: null, lines: [] }, 'no budget in force before adoption');
  t.match(await actualsOn('2026-11-01'), { status: 'adopted', version: 1 }, 'adopted from the day of its adoption');
  t.equal(await actualsOn('2026-09-30'), undefined, 'no budget at all before it was drafted');

  t.match(
    await garden('2027-03-05', reservedOnly),
    { line: { spentCents: 20_000, reservedCents: 50_000, availableCents: 30_000 }, cash: 10_000 },
    'as recorded up to the reservation: no disbursement, release or reversal yet',
  );
  t.match(await actualsOn('2027-03-05', adopted), { asOfPosition: adopted, version: 1, lines: [{ spentCents: 0 }, { receivedCents: 0 }] }, 'adopted, nothing booked yet');
  t.match(await actualsOn('2027-03-05', adopted - 1), { version: null, lines: [] }, 'before the adoption was recorded');
  t.same(await actualsOn('2027-03-05', position), { ...(await actualsOn('2027-03-05')), asOfPosition: position }, 'up to the head: the same as now');
});
