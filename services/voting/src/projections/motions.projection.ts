// Motions with their status and decisions, and turnout per member: who voted and through whom — and how only on
// an open motion. A secret motion's choices never reach this read model.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import {
  MotionDecided,
  MotionTabled,
  ResultChallenged,
  SecretBallotCast,
  VoteCast,
  VotingClosed,
  VotingOpened,
  choiceSchema,
  decisionRuleSchema,
  recusalSchema,
  subjectSchema,
} from '../domain/motion.events.js';
import { DECISION_TYPES } from '@meent/membership/events';

type Tables = 'motions' | 'turnout' | 'decisions';

export const MOTION_STATUSES = ['tabled', 'voting-open', 'voting-closed', 'decided', 'challenged'] as const;

async function setMotionStatus(transaction: SqlExecutor, tables: TableNames<Tables>, motionId: string, status: string, round?: number) {
  await transaction.run(
    `UPDATE ${tables.motions} SET status = ?, round = COALESCE(?, round) WHERE id = ?`,
    [status, round ?? null, motionId],
  );
}

async function recordTurnout(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  vote: { motionId: string; round: number; voterId: string; castBy: string; castAt: string },
  choice: string | null,
) {
  await transaction.run(
    `INSERT INTO ${tables.turnout} (motion_id, round, member_id, cast_by, choice, cast_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (motion_id, round, member_id) DO UPDATE SET cast_by = excluded.cast_by, choice = excluded.choice,
       cast_at = excluded.cast_at`,
    [vote.motionId, vote.round, vote.voterId, vote.castBy, choice, vote.castAt],
  );
}

export const motionsProjection = defineProjection({
  name: 'motions',
  tables: {
    motions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        assembly_id TEXT NOT NULL,
        cooperative_id TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        decision_type TEXT NOT NULL,
        rule TEXT NOT NULL,
        ballot TEXT NOT NULL,
        subject TEXT,
        recused TEXT NOT NULL,
        repeats_motion_id TEXT,
        status TEXT NOT NULL,
        round INTEGER NOT NULL DEFAULT 0,
        tabled_at TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_assembly ON ${name} (assembly_id, status)`,
    ],
    turnout: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        motion_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        member_id TEXT NOT NULL,
        cast_by TEXT NOT NULL,
        choice TEXT,
        cast_at TEXT NOT NULL,
        PRIMARY KEY (motion_id, round, member_id)
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id)`,
    ],
    decisions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        motion_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        decision TEXT NOT NULL,
        challenge TEXT,
        PRIMARY KEY (motion_id, round)
      )`,
    ],
  },
  handlers: [
    on(MotionTabled, async (event, transaction, tables) => {
      const { data } = event;
      await transaction.run(
        `INSERT INTO ${tables.motions} (id, assembly_id, cooperative_id, title, text, decision_type, rule, ballot, subject,
           recused, repeats_motion_id, status, tabled_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'tabled', ?)`,
        [
          data.motionId,
          data.assemblyId,
          data.cooperativeId,
          data.title,
          data.text,
          data.decisionType,
          JSON.stringify(data.rule),
          data.ballot,
          data.subject && JSON.stringify(data.subject),
          JSON.stringify(data.recused),
          data.repeatsMotionId,
          data.tabledAt,
        ],
      );
    }),
    on(VotingOpened, (event, transaction, tables) =>
      setMotionStatus(transaction, tables, event.data.motionId, 'voting-open', event.data.round),
    ),
    on(VoteCast, (event, transaction, tables) => recordTurnout(transaction, tables, event.data, event.data.choice)),
    on(SecretBallotCast, (event, transaction, tables) => recordTurnout(transaction, tables, event.data, null)),
    on(VotingClosed, (event, transaction, tables) => setMotionStatus(transaction, tables, event.data.motionId, 'voting-closed')),
    on(MotionDecided, async (event, transaction, tables) => {
      await setMotionStatus(transaction, tables, event.data.motionId, 'decided');
      await transaction.run(`INSERT INTO ${tables.decisions} (motion_id, round, decision) VALUES (?, ?, ?)`, [
        event.data.motionId,
        event.data.round,
        JSON.stringify(event.data),
      ]);
    }),
    on(ResultChallenged, async (event, transaction, tables) => {
      const { motionId, round, challengedBy, requestedBy, reason, challengedAt } = event.data;
      await setMotionStatus(transaction, tables, motionId, 'challenged');
      await transaction.run(`UPDATE ${tables.decisions} SET challenge = ? WHERE motion_id = ? AND round = ?`, [
        JSON.stringify({ challengedBy, requestedBy, reason, challengedAt }),
        motionId,
        round,
      ]);
    }),
  ],
});

export type MotionsTables = TableNames<Tables>;

export const decisionSchema = MotionDecided.schema
  .extend({
    /** Set when the result was challenged at once and voted again (BW 2:13): this decision no longer stands. */
    challenge: z
      .object({
        /** Who put the request on record. */
        challengedBy: z.string(),
        /** The voters at the meeting who asked for the new vote. */
        requestedBy: z.array(z.uuid()),
        reason: z.string(),
        challengedAt: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'MotionDecision' });

export const motionViewSchema = z
  .object({
    id: z.uuid(),
    assemblyId: z.uuid(),
    title: z.string(),
    text: z.string(),
    decisionType: z.enum(DECISION_TYPES),
    rule: decisionRuleSchema,
    ballot: z.enum(['open', 'secret']),
    subject: subjectSchema.nullable(),
    recused: z.array(recusalSchema),
    repeatsMotionId: z.uuid().nullable(),
    status: z.enum(MOTION_STATUSES),
    round: z.int(),
    tabledAt: z.string(),
    /** The decision that stands, once voting closed; earlier, challenged decisions are in `decisions`. */
    result: decisionSchema.nullable(),
    decisions: z.array(decisionSchema),
  })
  .meta({ id: 'Motion' });
export type MotionView = z.infer<typeof motionViewSchema>;

interface MotionRow {
  id: string;
  assembly_id: string;
  title: string;
  text: string;
  decision_type: string;
  rule: string;
  ballot: string;
  subject: string | null;
  recused: string;
  repeats_motion_id: string | null;
  status: string;
  round: number;
  tabled_at: string;
}

/** A challenge as projected; one projected before version 2 of the event was asked for by its challenger alone. */
function challengeOf(stored: string) {
  const challenge = JSON.parse(stored) as { challengedBy: string; requestedBy?: string[] };
  return { requestedBy: [challenge.challengedBy], ...challenge };
}

async function viewOf(reader: SqlExecutor, tables: MotionsTables, row: MotionRow): Promise<MotionView> {
  const decisions = await reader.all<{ decision: string; challenge: string | null }>(
    `SELECT decision, challenge FROM ${tables.decisions} WHERE motion_id = ? ORDER BY round`,
    [row.id],
  );
  const parsed = decisions.map((entry) =>
    decisionSchema.parse({ ...JSON.parse(entry.decision), challenge: entry.challenge && challengeOf(entry.challenge) }),
  );
  const standing = parsed.at(-1);
  return motionViewSchema.parse({
    id: row.id,
    assemblyId: row.assembly_id,
    title: row.title,
    text: row.text,
    decisionType: row.decision_type,
    rule: JSON.parse(row.rule),
    ballot: row.ballot,
    subject: row.subject && JSON.parse(row.subject),
    recused: JSON.parse(row.recused),
    repeatsMotionId: row.repeats_motion_id,
    status: row.status,
    round: row.round,
    tabledAt: row.tabled_at,
    result: row.status === 'decided' && standing ? standing : null,
    decisions: parsed,
  });
}

export async function motionView(reader: SqlExecutor, tables: MotionsTables, cooperativeId: string, motionId: string) {
  const row = await reader.get<MotionRow>(`SELECT * FROM ${tables.motions} WHERE id = ? AND cooperative_id = ?`, [
    motionId,
    cooperativeId,
  ]);
  return row && viewOf(reader, tables, row);
}

export async function motionsOfAssembly(reader: SqlExecutor, tables: MotionsTables, assemblyId: string): Promise<MotionView[]> {
  const rows = await reader.all<MotionRow>(`SELECT * FROM ${tables.motions} WHERE assembly_id = ? ORDER BY tabled_at, id`, [
    assemblyId,
  ]);
  return Promise.all(rows.map((row) => viewOf(reader, tables, row)));
}

export async function motionsStillVoting(reader: SqlExecutor, tables: MotionsTables, assemblyId: string): Promise<number> {
  const row = await reader.get<{ count: number }>(
    `SELECT count(*) AS count FROM ${tables.motions} WHERE assembly_id = ? AND status = 'voting-open'`,
    [assemblyId],
  );
  return Number(row?.count ?? 0);
}

export const turnoutEntrySchema = z.object({
  memberId: z.uuid(),
  castBy: z.uuid(),
  byProxy: z.boolean(),
  /** Only on an open motion. */
  choice: choiceSchema.nullable(),
  castAt: z.string(),
});

/** Who voted in the motion's current round; `choice` is null on a secret motion, whose choices are not stored here. */
export async function turnoutOf(reader: SqlExecutor, tables: MotionsTables, motionId: string, round: number, memberId?: string) {
  const rows = await reader.all<{ member_id: string; cast_by: string; choice: string | null; cast_at: string }>(
    `SELECT member_id, cast_by, choice, cast_at FROM ${tables.turnout}
     WHERE motion_id = ? AND round = ? ${memberId ? 'AND member_id = ?' : ''} ORDER BY member_id`,
    memberId ? [motionId, round, memberId] : [motionId, round],
  );
  return rows.map((row) =>
    turnoutEntrySchema.parse({
      memberId: row.member_id,
      castBy: row.cast_by,
      byProxy: row.cast_by !== row.member_id,
      choice: row.choice,
      castAt: row.cast_at,
    }),
  );
}
