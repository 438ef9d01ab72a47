// Written resolutions as members read them: what is proposed, who approved, who has yet to, and how it ended.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { DECISION_TYPES } from '@meent/membership/events';
import { z } from 'zod';
import { MotionDecided, subjectSchema } from '../domain/motion.events.js';
import { WrittenResolutionApproved, WrittenResolutionDeclined, WrittenResolutionProposed } from '../domain/written-resolution.events.js';

type Tables = 'resolutions' | 'approvals';

export const writtenResolutionsProjection = defineProjection({
  name: 'written_resolutions',
  tables: {
    resolutions: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        decision_type TEXT NOT NULL,
        subject TEXT,
        proposed_by TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        voters TEXT NOT NULL,
        status TEXT NOT NULL,
        declined_by TEXT,
        ended_at TEXT
      )`,
    ],
    approvals: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (resolution_id TEXT NOT NULL, member_id TEXT NOT NULL, approved_at TEXT NOT NULL,
        PRIMARY KEY (resolution_id, member_id))`,
    ],
  },
  handlers: [
    on(WrittenResolutionProposed, async (event, transaction, tables) => {
      const { resolutionId, cooperativeId, title, text, decisionType, subject, proposedBy, voters, proposedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.resolutions} (id, cooperative_id, title, text, decision_type, subject, proposed_by, proposed_at, voters, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
        [resolutionId, cooperativeId, title, text, decisionType, subject && JSON.stringify(subject), proposedBy, proposedAt, JSON.stringify(voters.map((voter) => voter.memberId))],
      );
    }),
    on(WrittenResolutionApproved, async (event, transaction, tables) => {
      const { resolutionId, memberId, approvedAt } = event.data;
      await transaction.run(`INSERT INTO ${tables.approvals} (resolution_id, member_id, approved_at) VALUES (?, ?, ?)`, [resolutionId, memberId, approvedAt]);
    }),
    on(WrittenResolutionDeclined, async (event, transaction, tables) => {
      const { resolutionId, memberId, declinedAt } = event.data;
      await transaction.run(`UPDATE ${tables.resolutions} SET status = 'declined', declined_by = ?, ended_at = ? WHERE id = ?`, [memberId, declinedAt, resolutionId]);
    }),
    // A motion's decision matches no resolution here; a resolution's is the one its last approval made.
    on(MotionDecided, async (event, transaction, tables) => {
      await transaction.run(`UPDATE ${tables.resolutions} SET status = 'decided', ended_at = ? WHERE id = ?`, [event.data.decidedAt, event.data.motionId]);
    }),
  ],
});

export const writtenResolutionSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    text: z.string(),
    decisionType: z.enum(DECISION_TYPES),
    subject: subjectSchema.nullable(),
    proposedBy: z.uuid(),
    proposedAt: z.iso.datetime(),
    /** open until every member with a vote approved (decided) or one declined (declined). */
    status: z.enum(['open', 'decided', 'declined']),
    approvedBy: z.array(z.uuid()),
    awaiting: z.array(z.uuid()),
    declinedBy: z.uuid().nullable(),
    endedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WrittenResolution' });

interface ResolutionRow {
  id: string;
  title: string;
  text: string;
  decision_type: string;
  subject: string | null;
  proposed_by: string;
  proposed_at: string;
  voters: string;
  status: string;
  declined_by: string | null;
  ended_at: string | null;
}

export async function writtenResolutionOf(reader: SqlExecutor, tables: TableNames<Tables>, cooperativeId: string, resolutionId: string) {
  const row = await reader.get<ResolutionRow>(`SELECT * FROM ${tables.resolutions} WHERE id = ? AND cooperative_id = ?`, [resolutionId, cooperativeId]);
  if (!row) return undefined;
  const approvals = await reader.all<{ member_id: string }>(
    `SELECT member_id FROM ${tables.approvals} WHERE resolution_id = ? ORDER BY approved_at, member_id`,
    [resolutionId],
  );
  const approvedBy = approvals.map((approval) => approval.member_id);
  const voters = z.array(z.uuid()).parse(JSON.parse(row.voters));
  return writtenResolutionSchema.parse({
    id: row.id,
    title: row.title,
    text: row.text,
    decisionType: row.decision_type,
    subject: row.subject === null ? null : JSON.parse(row.subject),
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    status: row.status,
    approvedBy,
    awaiting: voters.filter((voter) => !approvedBy.includes(voter)),
    declinedBy: row.declined_by,
    endedAt: row.ended_at,
  });
}
