// Participatory budgeting rounds as members follow them: the phase, the money, the proposals with their review, how
// many have voted, and once decided the result with its explanation. The ballots are kept apart: only the export reads
// them, under pseudonyms.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { roundSettingsSchema } from '@meent/voting/events';
import { z } from 'zod';
import {
  PbBallotCast,
  PbProposalEntered,
  PbProposalReviewed,
  PbProposalsClosed,
  PbResidentRegistered,
  PbRoundDecided,
  PbRoundFundsRefused,
  PbRoundFundsReserved,
  PbRoundOpened,
  PbVotingOpened,
} from '../domain/pb-round.events.js';

type Tables = 'rounds' | 'proposals' | 'ballots';
export type PbRoundTables = TableNames<Tables>;

export const PB_PHASES = ['proposals', 'review', 'voting', 'decided', 'unfunded'] as const;

export const pbRoundsProjection = defineProjection({
  name: 'pb_rounds',
  tables: {
    rounds: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        motion_id TEXT NOT NULL,
        title TEXT NOT NULL,
        phase TEXT NOT NULL,
        budget_id TEXT NOT NULL,
        line_code TEXT NOT NULL,
        amount_cents BIGINT NOT NULL,
        settings TEXT NOT NULL,
        funds TEXT NOT NULL,
        residents INTEGER NOT NULL DEFAULT 0,
        roll_size INTEGER,
        record_date TEXT,
        closes_at TEXT,
        opened_at TEXT NOT NULL,
        result TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, opened_at)`,
    ],
    proposals: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        round_id TEXT NOT NULL,
        proposal_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        title TEXT NOT NULL,
        cost_cents BIGINT NOT NULL,
        themes TEXT NOT NULL,
        proposed_by TEXT,
        eligible INTEGER,
        review_reason TEXT,
        PRIMARY KEY (round_id, proposal_id)
      )`,
    ],
    ballots: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        round_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        voter_kind TEXT NOT NULL,
        approvals TEXT NOT NULL,
        first_cast BIGINT NOT NULL,
        PRIMARY KEY (round_id, voter)
      )`,
    ],
  },
  handlers: [
    on(PbRoundOpened, async (event, transaction, tables) => {
      const { roundId, cooperativeId, motionId, title, budgetId, lineCode, amountCents, settings, openedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.rounds} (id, cooperative_id, motion_id, title, phase, budget_id, line_code, amount_cents, settings, funds, opened_at)
         VALUES (?, ?, ?, ?, 'proposals', ?, ?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING`,
        [roundId, cooperativeId, motionId, title, budgetId, lineCode, amountCents, JSON.stringify(settings), openedAt],
      );
    }),
    on(PbRoundFundsReserved, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.rounds} SET funds = 'reserved' WHERE id = ?`, [event.data.roundId]);
    }),
    on(PbRoundFundsRefused, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.rounds} SET funds = 'refused', phase = 'unfunded' WHERE id = ?`, [event.data.roundId]);
    }),
    on(PbProposalEntered, async (event, transaction, tables) => {
      const { roundId, proposalId, title, costCents, themes, proposedBy } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.proposals} (round_id, proposal_id, position, title, cost_cents, themes, proposed_by) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (round_id, proposal_id) DO NOTHING`,
        [roundId, proposalId, event.position, title, costCents, JSON.stringify(themes), proposedBy],
      );
    }),
    on(PbProposalsClosed, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.rounds} SET phase = 'review' WHERE id = ?`, [event.data.roundId]);
    }),
    on(PbProposalReviewed, async (event, transaction, tables) => {
      const { roundId, proposalId, eligible, reason } = event.data;
      await transaction.run(`UPDATE ${tables.proposals} SET eligible = ?, review_reason = ? WHERE round_id = ? AND proposal_id = ?`, [
        eligible ? 1 : 0,
        reason,
        roundId,
        proposalId,
      ]);
    }),
    on(PbResidentRegistered, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.rounds} SET residents = residents + 1 WHERE id = ?`, [event.data.roundId]);
    }),
    on(PbVotingOpened, async (event, transaction, tables) => {
      const { roundId, roll, recordDate, closesAt } = event.data;
      await transaction.run(`UPDATE ${tables.rounds} SET phase = 'voting', roll_size = ?, record_date = ?, closes_at = ? WHERE id = ?`, [
        roll.length,
        recordDate,
        closesAt,
        roundId,
      ]);
    }),
    on(PbBallotCast, async (event, transaction, tables) => {
      const { roundId, voter, voterKind, approvals } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.ballots} (round_id, voter, voter_kind, approvals, first_cast) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (round_id, voter) DO UPDATE SET approvals = excluded.approvals`,
        [roundId, voter, voterKind, JSON.stringify(approvals), event.position],
      );
    }),
    on(PbRoundDecided, async (event, transaction, tables) => {
      const { roundId, cooperativeId: _cooperativeId, budgetId: _budgetId, lineCode: _lineCode, ...result } = event.data;
      await transaction.run(`UPDATE ${tables.rounds} SET phase = 'decided', result = ? WHERE id = ?`, [JSON.stringify(result), roundId]);
    }),
  ],
});

export const pbProposalSchema = z
  .object({
    proposalId: z.uuid(),
    title: z.string(),
    costCents: z.int(),
    themes: z.array(z.string()),
    proposedBy: z.uuid().nullable(),
    review: z.object({ eligible: z.boolean(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'ParticipatoryBudgetProposal' });

export const pbRoundSummarySchema = z
  .object({
    id: z.uuid(),
    motionId: z.uuid(),
    title: z.string(),
    phase: z.enum(PB_PHASES),
    budgetId: z.uuid(),
    lineCode: z.string(),
    amountCents: z.int(),
    settings: roundSettingsSchema,
    /** Whether the line holds the round's money: pending until the budget has answered. */
    funds: z.enum(['pending', 'reserved', 'refused']),
    openedAt: z.string(),
    voting: z.object({ recordDate: z.string(), closesAt: z.string(), rollSize: z.int(), residents: z.int(), ballots: z.int() }).nullable(),
  })
  .meta({ id: 'ParticipatoryBudgetRound' });

interface RoundRow {
  id: string;
  motion_id: string;
  title: string;
  phase: (typeof PB_PHASES)[number];
  budget_id: string;
  line_code: string;
  amount_cents: number | string;
  settings: string;
  funds: 'pending' | 'reserved' | 'refused';
  residents: number;
  roll_size: number | null;
  record_date: string | null;
  closes_at: string | null;
  opened_at: string;
  result: string | null;
  ballots: number | string;
}

const ROUND_COLUMNS = (tables: PbRoundTables) => `r.id, r.motion_id, r.title, r.phase, r.budget_id, r.line_code, r.amount_cents, r.settings, r.funds,
  r.residents, r.roll_size, r.record_date, r.closes_at, r.opened_at, r.result,
  (SELECT count(*) FROM ${tables.ballots} b WHERE b.round_id = r.id) AS ballots`;

const summaryOf = (row: RoundRow) =>
  pbRoundSummarySchema.parse({
    id: row.id,
    motionId: row.motion_id,
    title: row.title,
    phase: row.phase,
    budgetId: row.budget_id,
    lineCode: row.line_code,
    amountCents: Number(row.amount_cents),
    settings: JSON.parse(row.settings),
    funds: row.funds,
    openedAt: row.opened_at,
    voting:
      row.closes_at === null
        ? null
        : { recordDate: row.record_date, closesAt: row.closes_at, rollSize: row.roll_size, residents: row.residents, ballots: Number(row.ballots) },
  });

export async function roundsOf(reader: SqlExecutor, tables: PbRoundTables, cooperativeId: string) {
  const rows = await reader.all<RoundRow>(`SELECT ${ROUND_COLUMNS(tables)} FROM ${tables.rounds} r WHERE r.cooperative_id = ? ORDER BY r.opened_at DESC, r.id`, [
    cooperativeId,
  ]);
  return rows.map(summaryOf);
}

/** A round with its proposals and, once decided, its result as the event recorded it; undefined if not this cooperative's. */
export async function roundDetail(reader: SqlExecutor, tables: PbRoundTables, cooperativeId: string, roundId: string) {
  const row = await reader.get<RoundRow>(`SELECT ${ROUND_COLUMNS(tables)} FROM ${tables.rounds} r WHERE r.id = ? AND r.cooperative_id = ?`, [roundId, cooperativeId]);
  if (!row) return undefined;
  const proposals = await reader.all<{
    proposal_id: string;
    title: string;
    cost_cents: number | string;
    themes: string;
    proposed_by: string | null;
    eligible: number | null;
    review_reason: string | null;
  }>(
    `SELECT proposal_id, title, cost_cents, themes, proposed_by, eligible, review_reason FROM ${tables.proposals} WHERE round_id = ? ORDER BY position`,
    [roundId],
  );
  return {
    round: summaryOf(row),
    proposals: proposals.map((proposal) => ({
      proposalId: proposal.proposal_id,
      title: proposal.title,
      costCents: Number(proposal.cost_cents),
      themes: JSON.parse(proposal.themes) as string[],
      proposedBy: proposal.proposed_by,
      review: proposal.eligible === null ? null : { eligible: proposal.eligible === 1, reason: proposal.review_reason ?? '' },
    })),
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
  };
}

/** The standing ballots of a round, in the order voters first cast them. */
export async function ballotsOf(reader: SqlExecutor, tables: PbRoundTables, roundId: string) {
  const rows = await reader.all<{ voter: string; voter_kind: string; approvals: string }>(
    `SELECT voter, voter_kind, approvals FROM ${tables.ballots} WHERE round_id = ? ORDER BY first_cast`,
    [roundId],
  );
  return rows.map((row) => ({ voter: row.voter, voterKind: row.voter_kind, approvals: JSON.parse(row.approvals) as string[] }));
}
