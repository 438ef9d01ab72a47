// Initiatives by status and applicant, the board's pipeline, and per initiative its history and money flow:
// requested, granted, reserved, disbursed, released and claimed back — now, or as they stood at any moment or position.
import { defineProjection, on, type SqlExecutor, type StoredEvent, type TableNames } from '@meent/eventsourcing';
import { ReservationReleased } from '@meent/budget/events';
import { rulesCopyHandlers, rulesCopyTable } from '@meent/membership/events';
import { z } from 'zod';
import {
  FundingApproved,
  FundingRejected,
  FundingRevoked,
  IndicatorDefined,
  InitiativeAwaitingFunds,
  ProgressReported,
  InitiativeCompleted,
  InitiativeFundsReserved,
  InitiativeReviewed,
  InitiativeSubmitted,
  InitiativeWithdrawn,
  RepaymentClaimed,
  ReservationRetried,
  RevokedReservationReturned,
  TrancheApprovalGiven,
  TrancheApproved,
  TrancheDisbursed,
  TrancheRequested,
  INITIATIVE_KINDS,
  applicantSchema,
} from '../domain/initiative.events.js';

type Tables = 'cooperatives' | 'initiatives' | 'history' | 'versions' | 'classification' | 'themes' | 'indicators' | 'actuals' | 'participation';

export const INITIATIVE_STATUSES = ['submitted', 'approved', 'awaiting-funds', 'funded', 'rejected', 'completed', 'withdrawn'] as const;

/** An initiative's columns after its id: its current row and each of its versions hold them. */
const INITIATIVE_COLUMN_DEFINITIONS = `
  cooperative_id TEXT NOT NULL,
  title TEXT NOT NULL,
  applicant TEXT NOT NULL,
  applicant_member_id TEXT,
  status TEXT NOT NULL,
  advice TEXT,
  budget_id TEXT NOT NULL,
  line_code TEXT NOT NULL,
  requested_cents BIGINT NOT NULL,
  granted_cents BIGINT NOT NULL DEFAULT 0,
  reserved_cents BIGINT NOT NULL DEFAULT 0,
  disbursed_cents BIGINT NOT NULL DEFAULT 0,
  released_cents BIGINT NOT NULL DEFAULT 0,
  claimed_cents BIGINT NOT NULL DEFAULT 0,
  tranches_planned INTEGER NOT NULL,
  tranches_paid INTEGER NOT NULL DEFAULT 0,
  decided_by TEXT,
  submitted_at TEXT NOT NULL`;

const INITIATIVE_COLUMNS = `id, cooperative_id, title, applicant, applicant_member_id, status, advice, budget_id, line_code,
  requested_cents, granted_cents, reserved_cents, disbursed_cents, released_cents, claimed_cents, tranches_planned,
  tranches_paid, decided_by, submitted_at`;

/** Every handler ends here: the event joins the history, and the initiative as it now stands is kept as a version. */
async function record(transaction: SqlExecutor, tables: TableNames<Tables>, event: StoredEvent, initiativeId: string, summary: string) {
  await transaction.run(
    `INSERT INTO ${tables.history} (initiative_id, position, type, summary, actor, at) VALUES (?, ?, ?, ?, ?, ?)`,
    [initiativeId, event.position, event.type, summary, event.metadata.actor.id, event.metadata.occurredAt],
  );
  await transaction.run(
    `INSERT INTO ${tables.versions} (position, at, ${INITIATIVE_COLUMNS})
     SELECT ?, ?, ${INITIATIVE_COLUMNS} FROM ${tables.initiatives} WHERE id = ?`,
    [event.position, event.metadata.occurredAt, initiativeId],
  );
}

async function update(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  initiativeId: string,
  assignments: string,
  parameters: (string | number | null)[],
) {
  await transaction.run(`UPDATE ${tables.initiatives} SET ${assignments} WHERE id = ?`, [...parameters, initiativeId]);
}

const euros = (cents: number) => `€${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export const initiativesProjection = defineProjection({
  name: 'initiatives',
  tables: {
    cooperatives: rulesCopyTable,
    initiatives: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, ${INITIATIVE_COLUMN_DEFINITIONS})`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_status ON ${name} (cooperative_id, status)`,
      // The list's order: a page after a cursor starts here.
      `CREATE INDEX IF NOT EXISTS ${name}_in_order ON ${name} (cooperative_id, submitted_at, id)`,
    ],
    versions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT NOT NULL,
        position BIGINT NOT NULL,
        at TEXT NOT NULL,
        ${INITIATIVE_COLUMN_DEFINITIONS},
        PRIMARY KEY (id, position)
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, id, position)`,
    ],
    history: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT NOT NULL, position BIGINT NOT NULL, type TEXT NOT NULL,
        summary TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (initiative_id, position))`,
    ],
    // What an initiative is and works on never changes after it is submitted: one row each, read beside any version.
    classification: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT PRIMARY KEY, kind TEXT NOT NULL)`],
    themes: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (cooperative_id TEXT NOT NULL, theme TEXT NOT NULL, initiative_id TEXT NOT NULL,
        PRIMARY KEY (cooperative_id, theme, initiative_id))`,
      // A page's themes, read for its initiatives alone.
      `CREATE INDEX IF NOT EXISTS ${name}_by_initiative ON ${name} (initiative_id, cooperative_id, theme)`,
    ],
    indicators: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (indicator_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL, name TEXT NOT NULL,
        unit TEXT NOT NULL, theme TEXT NOT NULL, baseline_year INTEGER NOT NULL, baseline_value BIGINT NOT NULL, targets TEXT NOT NULL,
        position BIGINT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_initiative ON ${name} (initiative_id, position)`,
    ],
    // A year's figures are those of its latest report: each report gives the year so far.
    actuals: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (indicator_id TEXT NOT NULL, year INTEGER NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (indicator_id, year))`,
    ],
    participation: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT NOT NULL, year INTEGER NOT NULL, residents_reached BIGINT NOT NULL,
        volunteers BIGINT NOT NULL, volunteer_hours BIGINT NOT NULL, into_work_or_training BIGINT NOT NULL, PRIMARY KEY (initiative_id, year))`,
    ],
  },
  handlers: [
    ...rulesCopyHandlers,
    on(InitiativeSubmitted, async (event, transaction, tables) => {
      const { data } = event;
      await transaction.run(
        `INSERT INTO ${tables.initiatives} (id, cooperative_id, title, applicant, applicant_member_id, status, budget_id, line_code,
           requested_cents, tranches_planned, submitted_at)
         VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?)`,
        [
          data.initiativeId,
          data.cooperativeId,
          data.title,
          JSON.stringify(data.applicant),
          data.applicant.kind === 'member' ? data.applicant.memberId : null,
          data.budgetId,
          data.lineCode,
          data.requestedCents,
          data.tranches.length,
          data.submittedAt,
        ],
      );
      await transaction.run(`INSERT INTO ${tables.classification} (initiative_id, kind) VALUES (?, ?)`, [data.initiativeId, data.kind]);
      for (const theme of data.themes) {
        await transaction.run(`INSERT INTO ${tables.themes} (cooperative_id, theme, initiative_id) VALUES (?, ?, ?)`, [data.cooperativeId, theme, data.initiativeId]);
      }
      await record(transaction, tables, event, data.initiativeId, `Submitted: ${euros(data.requestedCents)} in ${data.tranches.length} tranche(s)`);
    }),
    on(IndicatorDefined, async (event, transaction, tables) => {
      const { indicatorId, initiativeId, name, unit, theme, baseline, targets } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.indicators} (indicator_id, initiative_id, name, unit, theme, baseline_year, baseline_value, targets, position)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [indicatorId, initiativeId, name, unit, theme, baseline.year, baseline.value, JSON.stringify(targets), event.position],
      );
    }),
    on(ProgressReported, async (event, transaction, tables) => {
      const { initiativeId, year, actuals, participation: counts } = event.data;
      for (const { indicatorId, value } of actuals) {
        await transaction.run(
          `INSERT INTO ${tables.actuals} (indicator_id, year, value) VALUES (?, ?, ?) ON CONFLICT (indicator_id, year) DO UPDATE SET value = excluded.value`,
          [indicatorId, year, value],
        );
      }
      await transaction.run(
        `INSERT INTO ${tables.participation} (initiative_id, year, residents_reached, volunteers, volunteer_hours, into_work_or_training)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (initiative_id, year) DO UPDATE SET residents_reached = excluded.residents_reached,
         volunteers = excluded.volunteers, volunteer_hours = excluded.volunteer_hours, into_work_or_training = excluded.into_work_or_training`,
        [initiativeId, year, counts.residentsReached, counts.volunteers, counts.volunteerHours, counts.intoWorkOrTraining],
      );
      await record(transaction, tables, event, initiativeId, `Progress in ${year}: ${actuals.length} indicator value(s), ${counts.residentsReached} residents reached`);
    }),
    on(InitiativeReviewed, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, 'advice = ?', [event.data.advice]);
      await record(transaction, tables, event, event.data.initiativeId, `Reviewed: ${event.data.advice}. ${event.data.notes}`);
    }),
    on(FundingApproved, async (event, transaction, tables) => {
      const { initiativeId, amountCents, decidedBy } = event.data;
      await update(transaction, tables, initiativeId, `status = 'approved', granted_cents = ?, decided_by = ?`, [amountCents, JSON.stringify(decidedBy)]);
      const by =
        decidedBy.kind === 'board'
          ? 'the board'
          : decidedBy.kind === 'assembly'
            ? `the general assembly (motion ${decidedBy.motionId})`
            : `the neighbourhood's vote in participatory budgeting round ${decidedBy.roundId}`;
      await record(transaction, tables, event, initiativeId, `Granted ${euros(amountCents)} by ${by}`);
    }),
    on(FundingRejected, async (event, transaction, tables) => {
      const { initiativeId, decidedBy, reason } = event.data;
      await update(transaction, tables, initiativeId, `status = 'rejected', decided_by = ?`, [JSON.stringify(decidedBy)]);
      await record(transaction, tables, event, initiativeId, `Rejected: ${reason}`);
    }),
    on(InitiativeFundsReserved, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, `status = 'funded', reserved_cents = ?`, [event.data.amountCents]);
      await record(transaction, tables, event, event.data.initiativeId, `${euros(event.data.amountCents)} reserved on the budget line`);
    }),
    on(InitiativeAwaitingFunds, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, `status = 'awaiting-funds'`, []);
      await record(transaction, tables, event, event.data.initiativeId, `Waiting for funds: ${event.data.reason}`);
    }),
    on(ReservationRetried, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, `status = 'approved'`, []);
      await record(transaction, tables, event, event.data.initiativeId, `Reservation asked again (attempt ${event.data.attempt})`);
    }),
    on(TrancheRequested, (event, transaction, tables) =>
      record(
        transaction,
        tables,
        event,
        event.data.initiativeId,
        `Tranche ${event.data.trancheNumber} of ${euros(event.data.amountCents)} requested; spent so far ${euros(event.data.spentSoFarCents)}. ${event.data.progressReport}`,
      ),
    ),
    on(TrancheApprovalGiven, (event, transaction, tables) =>
      record(transaction, tables, event, event.data.initiativeId, `Tranche ${event.data.trancheNumber} approved by ${event.data.approvedBy}`),
    ),
    on(TrancheApproved, (event, transaction, tables) =>
      record(transaction, tables, event, event.data.initiativeId, `Tranche ${event.data.trancheNumber} released for payment`),
    ),
    on(TrancheDisbursed, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, 'disbursed_cents = disbursed_cents + ?, tranches_paid = tranches_paid + 1', [
        event.data.amountCents,
      ]);
      await record(transaction, tables, event, event.data.initiativeId, `Tranche ${event.data.trancheNumber} paid: ${euros(event.data.amountCents)}`);
    }),
    on(InitiativeCompleted, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, `status = 'completed'`, []);
      await record(transaction, tables, event, event.data.initiativeId, `Completed. ${event.data.finalReport}`);
    }),
    on(InitiativeWithdrawn, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, `status = 'withdrawn'`, []);
      await record(transaction, tables, event, event.data.initiativeId, `Withdrawn: ${event.data.reason}`);
    }),
    on(FundingRevoked, async (event, transaction, tables) => {
      const { initiativeId, motionId, round } = event.data;
      await update(transaction, tables, initiativeId, `status = 'rejected', granted_cents = 0`, []);
      await record(transaction, tables, event, initiativeId, `Grant revoked: the new vote on motion ${motionId} (round ${round}) went against it`);
    }),
    on(RevokedReservationReturned, (event, transaction, tables) =>
      record(transaction, tables, event, event.data.initiativeId, 'The reservation made for the revoked grant goes back to the line'),
    ),
    on(RepaymentClaimed, async (event, transaction, tables) => {
      await update(transaction, tables, event.data.initiativeId, 'claimed_cents = claimed_cents + ?', [event.data.amountCents]);
      await record(transaction, tables, event, event.data.initiativeId, `Repayment of ${euros(event.data.amountCents)} claimed: ${event.data.reason}`);
    }),
    on(ReservationReleased, async (event, transaction, tables) => {
      const { reference, amountCents } = event.data;
      if (reference?.kind !== 'initiative') return;
      const known = await transaction.get<{ id: string }>(`SELECT id FROM ${tables.initiatives} WHERE id = ?`, [reference.id]);
      if (!known) return;
      await update(transaction, tables, reference.id, 'released_cents = released_cents + ?', [amountCents]);
      await record(transaction, tables, event, reference.id, `${euros(amountCents)} not needed, back on the budget line`);
    }),
  ],
});

export type InitiativesTables = TableNames<Tables>;

export const moneyFlowSchema = z
  .object({
    requestedCents: z.int(),
    grantedCents: z.int(),
    reservedCents: z.int(),
    disbursedCents: z.int(),
    releasedCents: z.int(),
    /** Reserved and neither paid out nor released. */
    remainingCents: z.int(),
    claimedCents: z.int(),
  })
  .meta({ id: 'InitiativeMoneyFlow' });

export const initiativeSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    applicant: applicantSchema,
    status: z.enum(INITIATIVE_STATUSES),
    advice: z.string().nullable(),
    budgetId: z.uuid(),
    lineCode: z.string(),
    tranchesPlanned: z.int(),
    tranchesPaid: z.int(),
    submittedAt: z.string(),
    /** Codes of the cooperative's themes it works on. */
    themes: z.array(z.string()),
    kind: z.enum(INITIATIVE_KINDS),
    money: moneyFlowSchema,
  })
  .meta({ id: 'InitiativeSummary' });

interface InitiativeRow {
  id: string;
  title: string;
  applicant: string;
  status: string;
  advice: string | null;
  budget_id: string;
  line_code: string;
  requested_cents: number | string;
  granted_cents: number | string;
  reserved_cents: number | string;
  disbursed_cents: number | string;
  released_cents: number | string;
  claimed_cents: number | string;
  tranches_planned: number;
  tranches_paid: number;
  submitted_at: string;
  kind: string | null;
}

const summaryOf = (row: InitiativeRow, themes: ReadonlyMap<string, string[]>) => {
  const reserved = Number(row.reserved_cents);
  const disbursed = Number(row.disbursed_cents);
  const released = Number(row.released_cents);
  return initiativeSummarySchema.parse({
    id: row.id,
    title: row.title,
    applicant: JSON.parse(row.applicant),
    status: row.status,
    advice: row.advice,
    budgetId: row.budget_id,
    lineCode: row.line_code,
    tranchesPlanned: row.tranches_planned,
    tranchesPaid: row.tranches_paid,
    submittedAt: row.submitted_at,
    themes: themes.get(row.id) ?? [],
    kind: row.kind ?? 'community-initiative',
    money: {
      requestedCents: Number(row.requested_cents),
      grantedCents: Number(row.granted_cents),
      reservedCents: reserved,
      disbursedCents: disbursed,
      releasedCents: released,
      remainingCents: reserved - disbursed - released,
      claimedCents: Number(row.claimed_cents),
    },
  });
};

/**
 * A moment to read initiatives at: the end of `asOf` (recorded time), up to `asOfPosition` in the event log, or
 * both. Without either, as they stand now.
 */
export interface InitiativeMoment {
  readonly asOf?: string;
  readonly asOfPosition?: number;
}

/**
 * Each of the cooperative's initiatives in its latest version at the moment, in place of the current table, when a
 * moment is asked for.
 */
function initiativesAt(
  tables: InitiativesTables,
  cooperativeId: string,
  moment: InitiativeMoment,
): { from: string; parameters: (string | number)[] } {
  if (moment.asOf === undefined && moment.asOfPosition === undefined) return { from: tables.initiatives, parameters: [] };
  const bounds = ['cooperative_id = ?'];
  const parameters: (string | number)[] = [cooperativeId];
  if (moment.asOf !== undefined) {
    bounds.push('at <= ?');
    parameters.push(moment.asOf);
  }
  if (moment.asOfPosition !== undefined) {
    bounds.push('position <= ?');
    parameters.push(moment.asOfPosition);
  }
  const latest = `SELECT id AS latest_id, max(position) AS latest_position FROM ${tables.versions} WHERE ${bounds.join(' AND ')} GROUP BY id`;
  return {
    from: `(SELECT v.* FROM ${tables.versions} v JOIN (${latest}) l ON l.latest_id = v.id AND l.latest_position = v.position) AS initiatives_at`,
    parameters,
  };
}

/**
 * The themes of the initiatives named, by initiative: of a page, read for its initiatives alone; of more than a page
 * can hold, read for the whole cooperative at once.
 */
async function themesOf(reader: SqlExecutor, tables: InitiativesTables, cooperativeId: string, initiativeIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows =
    initiativeIds.length <= MAX_PAGE
      ? await reader.all<{ initiative_id: string; theme: string }>(
          `SELECT initiative_id, theme FROM ${tables.themes}
           WHERE initiative_id IN (${initiativeIds.map(() => '?').join(', ') || 'NULL'}) AND cooperative_id = ? ORDER BY initiative_id, theme`,
          [...initiativeIds, cooperativeId],
        )
      : await reader.all<{ initiative_id: string; theme: string }>(
          `SELECT initiative_id, theme FROM ${tables.themes} WHERE cooperative_id = ? ORDER BY theme`,
          [cooperativeId],
        );
  const themes = new Map<string, string[]>();
  for (const row of rows) themes.set(row.initiative_id, [...(themes.get(row.initiative_id) ?? []), row.theme]);
  return themes;
}

/** The rows as selected, each with its kind. */
const withKind = (tables: InitiativesTables, select: string) =>
  `SELECT selected.*, c.kind FROM (${select}) selected LEFT JOIN ${tables.classification} c ON c.initiative_id = selected.id`;

/** An initiative's place in the list's order: when it was submitted, then its id. */
export type InitiativePlace = readonly [submittedAt: string, id: string];

/** The most initiatives a page holds (the API's largest `limit`, and the one row more that tells whether a next page follows). */
const MAX_PAGE = 501;

export async function initiativesOf(
  reader: SqlExecutor,
  tables: InitiativesTables,
  query: {
    cooperativeId: string;
    statuses?: readonly string[];
    applicantMemberId?: string;
    theme?: string;
    /** A page: at most this many, starting after this place. */
    limit?: number;
    after?: InitiativePlace;
  } & InitiativeMoment,
) {
  const at = initiativesAt(tables, query.cooperativeId, query);
  const conditions = ['cooperative_id = ?'];
  const parameters: (string | number)[] = [...at.parameters, query.cooperativeId];
  if (query.statuses?.length) {
    conditions.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
    parameters.push(...query.statuses);
  }
  if (query.applicantMemberId) {
    conditions.push('applicant_member_id = ?');
    parameters.push(query.applicantMemberId);
  }
  if (query.theme) {
    conditions.push(`id IN (SELECT initiative_id FROM ${tables.themes} WHERE cooperative_id = ? AND theme = ?)`);
    parameters.push(query.cooperativeId, query.theme);
  }
  if (query.after) {
    conditions.push('(submitted_at, id) > (?, ?)');
    parameters.push(...query.after);
  }
  let page = '';
  if (query.limit !== undefined) {
    page = ' ORDER BY submitted_at, id LIMIT ?';
    parameters.push(query.limit);
  }
  const rows = await reader.all<InitiativeRow>(
    `${withKind(tables, `SELECT ${INITIATIVE_COLUMNS} FROM ${at.from} WHERE ${conditions.join(' AND ')}${page}`)} ORDER BY selected.submitted_at, selected.id`,
    parameters,
  );
  const themes = await themesOf(reader, tables, query.cooperativeId, rows.map((row) => row.id));
  return rows.map((row) => summaryOf(row, themes));
}

export const historyEntrySchema = z.object({ position: z.number(), type: z.string(), summary: z.string(), actor: z.string(), at: z.string() });

export async function initiativeDetail(
  reader: SqlExecutor,
  tables: InitiativesTables,
  cooperativeId: string,
  initiativeId: string,
  moment: InitiativeMoment = {},
) {
  const at = initiativesAt(tables, cooperativeId, moment);
  const row = await reader.get<InitiativeRow>(withKind(tables, `SELECT ${INITIATIVE_COLUMNS} FROM ${at.from} WHERE id = ? AND cooperative_id = ?`), [
    ...at.parameters,
    initiativeId,
    cooperativeId,
  ]);
  if (!row) return undefined;
  const history = await reader.all<{ position: number | string; type: string; summary: string; actor: string; at: string }>(
    `SELECT position, type, summary, actor, at FROM ${tables.history}
     WHERE initiative_id = ? AND at <= ? AND position <= ? ORDER BY position`,
    [initiativeId, moment.asOf ?? '9999-12-31T23:59:59.999Z', moment.asOfPosition ?? Number.MAX_SAFE_INTEGER],
  );
  return { ...summaryOf(row, await themesOf(reader, tables, cooperativeId, [row.id])), history: history.map((entry) => ({ ...entry, position: Number(entry.position) })) };
}


const figureSchema = z.int().nonnegative();

export const initiativeResultsSchema = z
  .object({
    indicators: z.array(
      z.object({
        indicatorId: z.uuid(),
        name: z.string(),
        unit: z.string(),
        theme: z.string(),
        baseline: z.object({ year: z.int(), value: figureSchema }),
        /** Each year with a target or an actual: the latest report's value for the year. */
        periods: z.array(z.object({ year: z.int(), target: figureSchema.nullable(), actual: figureSchema.nullable() })),
      }),
    ),
    participation: z.array(
      z.object({ year: z.int(), residentsReached: figureSchema, volunteers: figureSchema, volunteerHours: figureSchema, intoWorkOrTraining: figureSchema }),
    ),
  })
  .meta({ id: 'InitiativeResults', description: "An initiative's indicators against their targets per year, and its participation counts" });

/** An initiative's indicators with their targets and actuals per year, and its participation per year. */
export async function resultsOf(reader: SqlExecutor, tables: InitiativesTables, initiativeId: string): Promise<z.infer<typeof initiativeResultsSchema>> {
  const indicators = await reader.all<{ indicator_id: string; name: string; unit: string; theme: string; baseline_year: number; baseline_value: number | string; targets: string }>(
    `SELECT indicator_id, name, unit, theme, baseline_year, baseline_value, targets FROM ${tables.indicators} WHERE initiative_id = ? ORDER BY position`,
    [initiativeId],
  );
  const actuals = await reader.all<{ indicator_id: string; year: number; value: number | string }>(
    `SELECT a.indicator_id, a.year, a.value FROM ${tables.actuals} a JOIN ${tables.indicators} i ON i.indicator_id = a.indicator_id WHERE i.initiative_id = ?`,
    [initiativeId],
  );
  const participation = await reader.all<{ year: number; residents_reached: number | string; volunteers: number | string; volunteer_hours: number | string; into_work_or_training: number | string }>(
    `SELECT year, residents_reached, volunteers, volunteer_hours, into_work_or_training FROM ${tables.participation} WHERE initiative_id = ? ORDER BY year`,
    [initiativeId],
  );
  return {
    indicators: indicators.map((indicator) => {
      const targets = JSON.parse(indicator.targets) as { year: number; value: number }[];
      const own = actuals.filter((actual) => actual.indicator_id === indicator.indicator_id);
      const years = [...new Set([...targets.map((target) => target.year), ...own.map((actual) => Number(actual.year))])].sort((a, b) => a - b);
      return {
        indicatorId: indicator.indicator_id,
        name: indicator.name,
        unit: indicator.unit,
        theme: indicator.theme,
        baseline: { year: Number(indicator.baseline_year), value: Number(indicator.baseline_value) },
        periods: years.map((year) => {
          const actual = own.find((entry) => Number(entry.year) === year);
          return { year, target: targets.find((target) => target.year === year)?.value ?? null, actual: actual ? Number(actual.value) : null };
        }),
      };
    }),
    participation: participation.map((row) => ({
      year: Number(row.year),
      residentsReached: Number(row.residents_reached),
      volunteers: Number(row.volunteers),
      volunteerHours: Number(row.volunteer_hours),
      intoWorkOrTraining: Number(row.into_work_or_training),
    })),
  };
}
