// Who applied for each initiative, so a funding-decision motion about it recuses its applicant (BW 2:12) without
// asking the initiative context. Its events are read by name and by the fields used here: the initiative context
// depends on voting, not the other way round.
import { defineEvent, defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';

/** The part of the initiative context's `InitiativeSubmitted` that voting reads; never registered as its definition. */
const InitiativeSubmittedAsVotingReadsIt = defineEvent('InitiativeSubmitted', {
  schema: z.looseObject({
    initiativeId: z.uuid(),
    applicant: z.looseObject({ kind: z.string(), memberId: z.uuid().optional() }),
  }),
});

export const initiativeApplicantsProjection = defineProjection({
  name: 'initiative_applicants',
  tables: {
    applicants: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (initiative_id TEXT PRIMARY KEY, member_id TEXT NOT NULL)`],
  },
  handlers: [
    on(InitiativeSubmittedAsVotingReadsIt, async (event, transaction, tables) => {
      const { initiativeId, applicant } = InitiativeSubmittedAsVotingReadsIt.schema.parse(event.data);
      if (applicant.kind !== 'member' || !applicant.memberId) return;
      await transaction.run(`INSERT INTO ${tables.applicants} (initiative_id, member_id) VALUES (?, ?)`, [initiativeId, applicant.memberId]);
    }),
  ],
});

export async function applicantOf(
  reader: SqlExecutor,
  tables: TableNames<'applicants'>,
  initiativeId: string,
): Promise<string | undefined> {
  const row = await reader.get<{ member_id: string }>(`SELECT member_id FROM ${tables.applicants} WHERE initiative_id = ?`, [initiativeId]);
  return row?.member_id;
}
