// The journal: every ledger entry in order with who did what, each row carrying what it changed — received, spent,
// reserved, cash — so budget versus actuals and the cash position are sums, now or up to any date.
import { defineProjection, on, type ProjectionTransaction, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import {
  DisbursementBooked,
  EntryReversed,
  ExpenseApproved,
  ExpenseBooked,
  ExpensePaid,
  ExpenseSubmitted,
  FundsReserved,
  IncomeRecorded,
  ReservationRefused,
  ReservationReleased,
} from '../domain/ledger.events.js';

type Tables = 'journal' | 'daily' | 'expenses';

export const JOURNAL_KINDS = [
  'income',
  'expense-submitted',
  'expense-approved',
  'expense-booked',
  'expense-paid',
  'funds-reserved',
  'reservation-refused',
  'reservation-released',
  'disbursement',
  'reversal',
] as const;
type JournalKind = (typeof JOURNAL_KINDS)[number];

interface JournalRow {
  readonly entryId: string;
  readonly kind: JournalKind;
  readonly lineCode: string;
  readonly amountCents: number;
  readonly onDate: string;
  readonly description: string;
  readonly received?: number;
  readonly spent?: number;
  readonly reserved?: number;
  readonly cash?: number;
}

const budgetOf = (event: StoredEvent) => event.stream.slice('ledger-'.length);

async function journal(transaction: ProjectionTransaction, tables: TableNames<Tables>, event: StoredEvent, row: JournalRow) {
  await transaction.run(
    `INSERT INTO ${tables.journal} (position, budget_id, entry_id, kind, line_code, amount_cents, on_date, description, actor,
       recorded_at, received_cents, spent_cents, reserved_cents, cash_cents)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      event.position,
      budgetOf(event),
      row.entryId,
      row.kind,
      row.lineCode,
      row.amountCents,
      row.onDate,
      row.description,
      event.metadata.actor.id,
      event.metadata.occurredAt,
      row.received ?? 0,
      row.spent ?? 0,
      row.reserved ?? 0,
      row.cash ?? 0,
    ],
  );
  if (!row.received && !row.spent && !row.reserved && !row.cash) return;
  // Running sums per line and day: a budget as of any date adds up at most a year of days, not every entry.
  transaction.addToSums(
    tables.daily,
    { budget_id: budgetOf(event), line_code: row.lineCode, on_date: row.onDate },
    { received_cents: row.received ?? 0, spent_cents: row.spent ?? 0, reserved_cents: row.reserved ?? 0, cash_cents: row.cash ?? 0 },
  );
}

const dateOf = (instant: string) => instant.slice(0, 10);

export const ledgerProjection = defineProjection({
  name: 'ledger',
  tables: {
    journal: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        position BIGINT PRIMARY KEY,
        budget_id TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        line_code TEXT NOT NULL,
        amount_cents BIGINT NOT NULL,
        on_date TEXT NOT NULL,
        description TEXT NOT NULL,
        actor TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        received_cents BIGINT NOT NULL,
        spent_cents BIGINT NOT NULL,
        reserved_cents BIGINT NOT NULL,
        cash_cents BIGINT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_budget ON ${name} (budget_id, position)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_entry ON ${name} (entry_id)`,
    ],
    daily: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        budget_id TEXT NOT NULL,
        line_code TEXT NOT NULL,
        on_date TEXT NOT NULL,
        received_cents BIGINT NOT NULL,
        spent_cents BIGINT NOT NULL,
        reserved_cents BIGINT NOT NULL,
        cash_cents BIGINT NOT NULL,
        PRIMARY KEY (budget_id, line_code, on_date)
      )`,
    ],
    expenses: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        budget_id TEXT NOT NULL,
        line_code TEXT NOT NULL,
        payee TEXT NOT NULL,
        amount_cents BIGINT NOT NULL,
        invoice_reference TEXT NOT NULL,
        submitted_by TEXT NOT NULL,
        status TEXT NOT NULL
      )`,
    ],
  },
  handlers: [
    on(IncomeRecorded, (event, transaction, tables) => {
      const { entryId, lineCode, amountCents, receivedOn, source } = event.data;
      return journal(transaction, tables, event, {
        entryId,
        kind: 'income',
        lineCode,
        amountCents,
        onDate: receivedOn,
        description: source,
        received: amountCents,
        cash: amountCents,
      });
    }),
    on(ExpenseSubmitted, async (event, transaction, tables) => {
      const { expenseId, lineCode, payee, amountCents, invoiceReference, submittedBy, description, submittedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.expenses} (id, budget_id, line_code, payee, amount_cents, invoice_reference, submitted_by, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted')`,
        [expenseId, budgetOf(event), lineCode, payee, amountCents, invoiceReference, submittedBy],
      );
      await journal(transaction, tables, event, {
        entryId: expenseId,
        kind: 'expense-submitted',
        lineCode,
        amountCents,
        onDate: dateOf(submittedAt),
        description: `${payee}, ${invoiceReference}: ${description}`,
      });
    }),
    on(ExpenseApproved, async (event, transaction, tables) => {
      const expense = await expenseRow(transaction, tables, event.data.expenseId);
      await journal(transaction, tables, event, {
        entryId: event.data.expenseId,
        kind: 'expense-approved',
        lineCode: expense.line_code,
        amountCents: Number(expense.amount_cents),
        onDate: dateOf(event.data.approvedAt),
        description: `approved by ${event.data.approvedBy}`,
      });
    }),
    on(ExpenseBooked, async (event, transaction, tables) => {
      const { expenseId, lineCode, amountCents, bookedOn, override } = event.data;
      await transaction.run(`UPDATE ${tables.expenses} SET status = 'booked' WHERE id = ?`, [expenseId]);
      await journal(transaction, tables, event, {
        entryId: expenseId,
        kind: 'expense-booked',
        lineCode,
        amountCents,
        onDate: bookedOn,
        description: override ? `line exceeded by board decision (${override.by}): ${override.reason}` : 'booked',
        spent: amountCents,
      });
    }),
    on(ExpensePaid, async (event, transaction, tables) => {
      const expense = await expenseRow(transaction, tables, event.data.expenseId);
      await transaction.run(`UPDATE ${tables.expenses} SET status = 'paid' WHERE id = ?`, [event.data.expenseId]);
      const amountCents = Number(expense.amount_cents);
      await journal(transaction, tables, event, {
        entryId: event.data.expenseId,
        kind: 'expense-paid',
        lineCode: expense.line_code,
        amountCents,
        onDate: event.data.paidOn,
        description: `paid to ${expense.payee}`,
        cash: -amountCents,
      });
    }),
    on(FundsReserved, (event, transaction, tables) => {
      const { reservationId, lineCode, amountCents, reservedOn, reference, override } = event.data;
      const what = reference ? `for ${reference.kind} ${reference.id}` : 'reserved';
      return journal(transaction, tables, event, {
        entryId: reservationId,
        kind: 'funds-reserved',
        lineCode,
        amountCents,
        onDate: reservedOn,
        description: override ? `${what}; line exceeded by board decision (${override.by}): ${override.reason}` : what,
        reserved: amountCents,
      });
    }),
    on(ReservationRefused, (event, transaction, tables) => {
      const { reservationId, lineCode, amountCents, refusedAt, reason } = event.data;
      return journal(transaction, tables, event, {
        entryId: reservationId,
        kind: 'reservation-refused',
        lineCode,
        amountCents,
        onDate: dateOf(refusedAt),
        description: reason,
      });
    }),
    on(ReservationReleased, (event, transaction, tables) => {
      const { reservationId, lineCode, amountCents, releasedOn, reason } = event.data;
      return journal(transaction, tables, event, {
        entryId: reservationId,
        kind: 'reservation-released',
        lineCode,
        amountCents,
        onDate: releasedOn,
        description: reason,
        reserved: -amountCents,
      });
    }),
    on(DisbursementBooked, (event, transaction, tables) => {
      const { disbursementId, lineCode, amountCents, bookedOn, description } = event.data;
      return journal(transaction, tables, event, {
        entryId: disbursementId,
        kind: 'disbursement',
        lineCode,
        amountCents,
        onDate: bookedOn,
        description,
        reserved: -amountCents,
        spent: amountCents,
        cash: -amountCents,
      });
    }),
    on(EntryReversed, async (event, transaction, tables) => {
      const { entryId, entryKind, lineCode, amountCents, reversedOn, reason } = event.data;
      // Undoes what the original did to the money so far: a paid expense returns its cash, a booked one only its spend.
      const original = await transaction.get<{ cash: number | string }>(
        `SELECT coalesce(sum(cash_cents), 0) AS cash FROM ${tables.journal} WHERE entry_id = ?`,
        [entryId],
      );
      if (entryKind === 'expense') await transaction.run(`UPDATE ${tables.expenses} SET status = 'reversed' WHERE id = ?`, [entryId]);
      await journal(transaction, tables, event, {
        entryId,
        kind: 'reversal',
        lineCode,
        amountCents,
        onDate: reversedOn,
        description: reason,
        received: entryKind === 'income' ? -amountCents : 0,
        spent: entryKind === 'income' ? 0 : -amountCents,
        cash: -Number(original?.cash ?? 0),
      });
    }),
  ],
});

async function expenseRow(transaction: SqlExecutor, tables: TableNames<Tables>, expenseId: string) {
  const row = await transaction.get<{ line_code: string; amount_cents: number | string; payee: string }>(
    `SELECT line_code, amount_cents, payee FROM ${tables.expenses} WHERE id = ?`,
    [expenseId],
  );
  if (!row) throw new Error(`expense ${expenseId} is not in the journal`);
  return row;
}

export type LedgerTables = TableNames<Tables>;

export interface LineMoney {
  readonly receivedCents: number;
  readonly spentCents: number;
  readonly reservedCents: number;
}

/** The entries dated up to `asOfDate` (inclusive), and recorded up to `asOfPosition` when one is given. */
export interface LedgerMoment {
  readonly asOfDate: string;
  readonly asOfPosition?: number;
}

/**
 * Where to sum a ledger moment from: the per-day running sums, or — for what was recorded up to a position, which
 * the day sums cannot tell apart — the journal itself.
 */
function sumsAsOf(tables: LedgerTables, budgetId: string, moment: LedgerMoment) {
  if (moment.asOfPosition === undefined) {
    return { from: `${tables.daily} WHERE budget_id = ? AND on_date <= ?`, parameters: [budgetId, moment.asOfDate] };
  }
  return {
    from: `${tables.journal} WHERE budget_id = ? AND on_date <= ? AND position <= ?`,
    parameters: [budgetId, moment.asOfDate, moment.asOfPosition],
  };
}

/** Per line, what was received, spent and reserved at a ledger moment. */
export async function moneyPerLine(
  reader: SqlExecutor,
  tables: LedgerTables,
  budgetId: string,
  moment: LedgerMoment,
): Promise<Map<string, LineMoney>> {
  const { from, parameters } = sumsAsOf(tables, budgetId, moment);
  const rows = await reader.all<{ line_code: string; received: number | string; spent: number | string; reserved: number | string }>(
    `SELECT line_code, sum(received_cents) AS received, sum(spent_cents) AS spent, sum(reserved_cents) AS reserved
     FROM ${from} GROUP BY line_code`,
    parameters,
  );
  return new Map(
    rows.map((row) => [
      row.line_code,
      { receivedCents: Number(row.received), spentCents: Number(row.spent), reservedCents: Number(row.reserved) },
    ]),
  );
}

export async function cashPosition(reader: SqlExecutor, tables: LedgerTables, budgetId: string, moment: LedgerMoment): Promise<number> {
  const { from, parameters } = sumsAsOf(tables, budgetId, moment);
  const row = await reader.get<{ cash: number | string }>(`SELECT coalesce(sum(cash_cents), 0) AS cash FROM ${from}`, parameters);
  return Number(row?.cash ?? 0);
}

export const journalEntrySchema = z.object({
  position: z.number(),
  entryId: z.uuid(),
  kind: z.enum(JOURNAL_KINDS),
  lineCode: z.string(),
  amountCents: z.int(),
  onDate: z.string(),
  description: z.string(),
  actor: z.string(),
  recordedAt: z.string(),
});

export async function journalPage(reader: SqlExecutor, tables: LedgerTables, budgetId: string, after: number, limit: number) {
  const rows = await reader.all<{
    position: number | string;
    entry_id: string;
    kind: string;
    line_code: string;
    amount_cents: number | string;
    on_date: string;
    description: string;
    actor: string;
    recorded_at: string;
  }>(
    `SELECT position, entry_id, kind, line_code, amount_cents, on_date, description, actor, recorded_at FROM ${tables.journal}
     WHERE budget_id = ? AND position > ? ORDER BY position LIMIT ?`,
    [budgetId, after, limit],
  );
  return rows.map((row) =>
    journalEntrySchema.parse({
      position: Number(row.position),
      entryId: row.entry_id,
      kind: row.kind,
      lineCode: row.line_code,
      amountCents: Number(row.amount_cents),
      onDate: row.on_date,
      description: row.description,
      actor: row.actor,
      recordedAt: row.recorded_at,
    }),
  );
}
