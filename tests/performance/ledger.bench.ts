// Benchmark (not a test): 100,000 ledger entries over 40 lines of an adopted budget, then budget versus actuals now
// and as of a date halfway through the year, as the API reads them — beside a plain scan of the same journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import { CommandHandler, EventRegistry, Projections, SqliteReadModelStore, type CommandContext } from '@meent/eventsourcing';
import { createBudget } from '@meent/budget';
import { v7 as uuidv7 } from 'uuid';
import { budgetActuals } from '../../services/budget/src/application/budget.js';
import { budgetDecider, budgetStream } from '../../services/budget/src/domain/budget.decider.js';
import { ledgerDecider, ledgerStream, type LedgerCommand } from '../../services/budget/src/domain/ledger.decider.js';
import { budgetsProjection } from '../../services/budget/src/projections/budgets.projection.js';
import { ledgerProjection } from '../../services/budget/src/projections/ledger.projection.js';
import { median } from './measure.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const LINES = 40;
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 1 });

const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
try {
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  const readModels = new SqliteReadModelStore({ path: join(directory, 'read-models.db') });
  const budget = createBudget();
  const registry = new EventRegistry(budget.events);
  const commands = new CommandHandler({ store, registry });
  const cooperativeId = uuidv7();
  const budgetId = uuidv7();
  const context = (): CommandContext => ({
    cooperativeId,
    actor: { id: 'treasurer', roles: ['member'] },
    correlationId: uuidv7(),
    occurredAt: new Date('2027-01-01T10:00:00.000Z'),
  });
  const lines = Array.from({ length: LINES }, (_, index) => ({
    code: String(4000 + index),
    name: `Regel ${index}`,
    kind: index < 10 ? ('income' as const) : ('expense' as const),
    amountCents: 1_000_000_000,
  }));
  const now = new Date('2026-11-01T10:00:00.000Z');
  await commands.handle(budgetStream(budgetId), budgetDecider, { type: 'DraftBudget', budgetId, cooperativeId, financialYear: 2027, financialYearStartMonth: 1, title: 'Bench', now }, context());
  for (const line of lines) await commands.handle(budgetStream(budgetId), budgetDecider, { type: 'SetLine', line, now }, context());
  await commands.handle(budgetStream(budgetId), budgetDecider, { type: 'SubmitBudget', now }, context());
  await commands.handle(
    budgetStream(budgetId),
    budgetDecider,
    { type: 'RecordAdoptionDecision', motionId: uuidv7(), round: 1, passed: true, now },
    context(),
  );
  const inForce = {
    adopted: true as const,
    lines: new Map(lines.map((line) => [line.code, line])),
    financialYear: 2027,
    period: { firstDay: '2027-01-01', lastDay: '2027-12-31' },
  };

  const entry = (index: number): LedgerCommand => {
    const line = lines[index % LINES]!;
    const day = new Date(Date.UTC(2027, 0, 1 + (index % 365))).toISOString().slice(0, 10);
    const dated = { budget: inForce, today: day, now: new Date(`${day}T12:00:00.000Z`) };
    return line.kind === 'income'
      ? { type: 'RecordIncome', entryId: uuidv7(), lineCode: line.code, source: 'Bijdrage', amountCents: 1 + (index % 997), receivedOn: day, by: 'treasurer', ...dated }
      : {
          type: 'SubmitExpense',
          expenseId: uuidv7(),
          lineCode: line.code,
          payee: 'Leverancier',
          amountCents: 1 + (index % 997),
          invoiceReference: `F-${index}`,
          description: 'Benchmark',
          by: 'treasurer',
          fourEyesThresholdCents: 50_000,
          override: null,
          ...dated,
        };
  };
  const writing = performance.now();
  for (let start = 0; start < ENTRIES; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, ENTRIES - start) }, (_, offset) =>
        commands.handle(ledgerStream(budgetId), ledgerDecider, entry(start + offset), context()),
      ),
    );
  }
  const writeSeconds = (performance.now() - writing) / 1000;
  const head = await store.headPosition();

  const projecting = performance.now();
  const projections = await Projections.start({ store, readModels, registry, projections: budget.projections });
  await projections.waitForPosition([budgetsProjection.name, ledgerProjection.name], head, 600_000);
  const projectSeconds = (performance.now() - projecting) / 1000;

  const actuals = (asOf: string) =>
    projections.query(budgetsProjection, (budgetsReader, budgetsTables) =>
      projections.query(ledgerProjection, (ledgerReader, ledgerTables) =>
        budgetActuals({ reader: budgetsReader, tables: budgetsTables }, { reader: ledgerReader, tables: ledgerTables }, cooperativeId, budgetId, { asOfDate: asOf }),
      ),
    );
  const scan = () =>
    projections.query(ledgerProjection, (reader, tables) => reader.get(`SELECT sum(amount_cents) AS total FROM ${tables.journal}`));
  const current = await actuals('2027-12-31');
  const scanMs = await median(7, scan);
  const nowMs = await median(7, () => actuals('2027-12-31'));
  const halfwayMs = await median(7, () => actuals('2027-07-01'));

  console.log(`${format(ENTRIES)} entries over ${LINES} lines (${format(head)} events): written in ${format(writeSeconds)} s (${format(ENTRIES / writeSeconds)}/s)`);
  console.log(`projected in ${format(projectSeconds)} s (${format(head / projectSeconds)} events/s)`);
  console.log(`baseline, one scan of the journal (sum of amounts): ${format(scanMs)} ms`);
  console.log(`budget versus actuals, now:            ${format(nowMs)} ms (${(nowMs / scanMs).toFixed(2)} × the scan)`);
  console.log(`budget versus actuals, as of 1 July:   ${format(halfwayMs)} ms (${(halfwayMs / scanMs).toFixed(2)} × the scan)`);
  console.log(`check: spent ${format(current?.totals.spentCents ?? 0)} cents, received ${format(current?.totals.receivedCents ?? 0)} cents`);
  await projections.close();
  await readModels.close();
  await store.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
