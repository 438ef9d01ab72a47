// Assemblies as the secretary and the members see them: agenda, voter roll, proxies, attendance, and the members'
// requests for an assembly.
import { defineProjection, on, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import { z } from 'zod';
import { AssemblyDemanded, AssemblyRequestSupported, AssemblyRequested, DemandedAssemblyConvened } from '../domain/assembly-request.events.js';
import {
  AgendaItemAdded,
  AssemblyCancelled,
  AssemblyClosed,
  AssemblyConvened,
  AssemblyOpened,
  AttendanceRecorded,
  ConvocationSent,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
  venueSchema,
} from '../domain/assembly.events.js';

type Tables = 'assemblies' | 'agenda' | 'agenda_documents' | 'roll' | 'proxies' | 'attendance' | 'requests' | 'convocations' | 'notices';

const setStatus = (status: string, column: 'opened_at' | 'closed_at' | 'cancelled_at') =>
  async (transaction: SqlExecutor, tables: TableNames<Tables>, assemblyId: string, at: string) =>
    transaction.run(`UPDATE ${tables.assemblies} SET status = ?, ${column} = ? WHERE id = ?`, [status, at, assemblyId]);
const markOpened = setStatus('in-session', 'opened_at');
const markClosed = setStatus('closed', 'closed_at');
const markCancelled = setStatus('cancelled', 'cancelled_at');

export const assembliesProjection = defineProjection({
  name: 'assemblies',
  tables: {
    assemblies: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        title TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        venue TEXT NOT NULL,
        record_date TEXT NOT NULL,
        announces_statute_amendment INTEGER NOT NULL,
        request_id TEXT,
        rules_version INTEGER NOT NULL,
        status TEXT NOT NULL,
        roll_size INTEGER NOT NULL DEFAULT 0,
        roll_weight INTEGER NOT NULL DEFAULT 0,
        convened_at TEXT NOT NULL,
        opened_at TEXT,
        closed_at TEXT,
        cancelled_at TEXT,
        cancellation_reason TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, scheduled_at, id)`,
    ],
    agenda: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (assembly_id TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL,
        PRIMARY KEY (assembly_id, number))`,
    ],
    // The document an item puts before the assembly, pinned at a log position.
    agenda_documents: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (assembly_id TEXT NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL, year INTEGER NOT NULL,
        as_of_position BIGINT NOT NULL, PRIMARY KEY (assembly_id, number))`,
    ],
    roll: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (assembly_id TEXT NOT NULL, member_id TEXT NOT NULL, weight INTEGER NOT NULL,
        PRIMARY KEY (assembly_id, member_id))`,
    ],
    proxies: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        assembly_id TEXT NOT NULL,
        grantor_id TEXT NOT NULL,
        holder_id TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        revoked_at TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_assembly ON ${name} (assembly_id, grantor_id)`,
    ],
    attendance: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (assembly_id TEXT NOT NULL, member_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
        PRIMARY KEY (assembly_id, member_id))`,
    ],
    requests: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        supporters INTEGER NOT NULL DEFAULT 0,
        supporting_weight INTEGER NOT NULL DEFAULT 0,
        eligible_weight INTEGER,
        demanded_at TEXT,
        deadline TEXT
      )`,
    ],
    /** Who convened each demanded assembly, and whether for a meeting by its deadline. */
    convocations: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        request_id TEXT PRIMARY KEY,
        assembly_id TEXT NOT NULL,
        convened_by TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        within_deadline INTEGER NOT NULL,
        convened_at TEXT NOT NULL
      )`,
    ],
    /** Each convocation sent: the record that notice was given, and when. */
    notices: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (assembly_id TEXT NOT NULL, sent_at TEXT NOT NULL, recipients INTEGER NOT NULL,
        agenda_items INTEGER NOT NULL, motions INTEGER NOT NULL, PRIMARY KEY (assembly_id, sent_at))`,
    ],
  },
  handlers: [
    on(AssemblyConvened, async (event, transaction, tables) => {
      const { data } = event;
      await transaction.run(
        `INSERT INTO ${tables.assemblies} (id, cooperative_id, title, scheduled_at, venue, record_date,
           announces_statute_amendment, request_id, rules_version, status, convened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'convened', ?)`,
        [
          data.assemblyId,
          data.cooperativeId,
          data.title,
          data.scheduledAt,
          JSON.stringify(data.venue),
          data.recordDate,
          data.announcesStatuteAmendment ? 1 : 0,
          data.requestId,
          data.rulesVersion,
          data.convenedAt,
        ],
      );
    }),
    on(VoterRollFixed, async (event, transaction, tables: TableNames<Tables>) => {
      const { assemblyId, voters, totalWeight } = event.data;
      await transaction.run(`UPDATE ${tables.assemblies} SET roll_size = ?, roll_weight = ? WHERE id = ?`, [
        voters.length,
        totalWeight,
        assemblyId,
      ]);
      await transaction.insertRows(
        tables.roll,
        ['assembly_id', 'member_id', 'weight'],
        voters.map((voter) => [assemblyId, voter.memberId, voter.weight]),
      );
    }),
    on(AgendaItemAdded, async (event, transaction, tables) => {
      const { assemblyId, number, title, document } = event.data;
      await transaction.run(`INSERT INTO ${tables.agenda} (assembly_id, number, title) VALUES (?, ?, ?)`, [assemblyId, number, title]);
      if (!document) return;
      await transaction.run(`INSERT INTO ${tables.agenda_documents} (assembly_id, number, kind, year, as_of_position) VALUES (?, ?, ?, ?, ?)`, [
        assemblyId,
        number,
        document.kind,
        document.year,
        document.asOfPosition ?? event.position,
      ]);
    }),
    on(ConvocationSent, async (event, transaction, tables) => {
      const { assemblyId, sentAt, recipients, agenda, motions } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.notices} (assembly_id, sent_at, recipients, agenda_items, motions) VALUES (?, ?, ?, ?, ?)`,
        [assemblyId, sentAt, recipients, agenda.length, motions.length],
      );
    }),
    on(ProxyGranted, async (event, transaction, tables) => {
      const { assemblyId, grantorId, holderId, grantedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.proxies} (assembly_id, grantor_id, holder_id, granted_at) VALUES (?, ?, ?, ?)`,
        [assemblyId, grantorId, holderId, grantedAt],
      );
    }),
    on(ProxyRevoked, async (event, transaction, tables) => {
      const { assemblyId, grantorId, revokedAt } = event.data;
      await transaction.run(
        `UPDATE ${tables.proxies} SET revoked_at = ? WHERE assembly_id = ? AND grantor_id = ? AND revoked_at IS NULL`,
        [revokedAt, assemblyId, grantorId],
      );
    }),
    on(AssemblyOpened, (event, transaction, tables) => markOpened(transaction, tables, event.data.assemblyId, event.data.openedAt)),
    on(AttendanceRecorded, async (event, transaction, tables) => {
      await transaction.run(`INSERT INTO ${tables.attendance} (assembly_id, member_id, recorded_at) VALUES (?, ?, ?)`, [
        event.data.assemblyId,
        event.data.memberId,
        event.data.recordedAt,
      ]);
    }),
    on(AssemblyClosed, (event, transaction, tables) => markClosed(transaction, tables, event.data.assemblyId, event.data.closedAt)),
    on(AssemblyCancelled, async (event, transaction, tables) => {
      await markCancelled(transaction, tables, event.data.assemblyId, event.data.cancelledAt);
      await transaction.run(`UPDATE ${tables.assemblies} SET cancellation_reason = ? WHERE id = ?`, [
        event.data.reason,
        event.data.assemblyId,
      ]);
    }),
    on(AssemblyRequested, async (event, transaction, tables) => {
      const { requestId, cooperativeId, subject, requestedBy, requestedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.requests} (id, cooperative_id, subject, requested_by, requested_at) VALUES (?, ?, ?, ?, ?)`,
        [requestId, cooperativeId, subject, requestedBy, requestedAt],
      );
    }),
    on(AssemblyRequestSupported, async (event, transaction, tables) => {
      await transaction.run(
        `UPDATE ${tables.requests} SET supporters = supporters + 1, supporting_weight = supporting_weight + ? WHERE id = ?`,
        [event.data.weight, event.data.requestId],
      );
    }),
    on(AssemblyDemanded, async (event, transaction, tables) => {
      const { requestId, eligibleWeight, demandedAt, deadline } = event.data;
      await transaction.run(`UPDATE ${tables.requests} SET eligible_weight = ?, demanded_at = ?, deadline = ? WHERE id = ?`, [
        eligibleWeight,
        demandedAt,
        deadline,
        requestId,
      ]);
    }),
    on(DemandedAssemblyConvened, async (event, transaction, tables) => {
      const { requestId, assemblyId, convenedBy, scheduledAt, withinDeadline, convenedAt } = event.data;
      await transaction.run(
        `INSERT INTO ${tables.convocations} (request_id, assembly_id, convened_by, scheduled_at, within_deadline, convened_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [requestId, assemblyId, convenedBy, scheduledAt, withinDeadline ? 1 : 0, convenedAt],
      );
    }),
  ],
});

export type AssembliesTables = TableNames<Tables>;

export const ASSEMBLY_STATUSES = ['convened', 'in-session', 'closed', 'cancelled'] as const;

export const assemblySummarySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  scheduledAt: z.string(),
  venue: venueSchema,
  recordDate: z.string(),
  announcesStatuteAmendment: z.boolean(),
  requestId: z.uuid().nullable(),
  rulesVersion: z.int(),
  status: z.enum(ASSEMBLY_STATUSES),
  rollSize: z.int(),
  rollWeight: z.int(),
  convenedAt: z.string(),
  openedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancellationReason: z.string().nullable(),
});
export type AssemblySummary = z.infer<typeof assemblySummarySchema>;

interface AssemblyRow {
  id: string;
  title: string;
  scheduled_at: string;
  venue: string;
  record_date: string;
  announces_statute_amendment: number;
  request_id: string | null;
  rules_version: number;
  status: (typeof ASSEMBLY_STATUSES)[number];
  roll_size: number;
  roll_weight: number;
  convened_at: string;
  opened_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  cancellation_reason: string | null;
}

const summaryOf = (row: AssemblyRow): AssemblySummary =>
  assemblySummarySchema.parse({
    id: row.id,
    title: row.title,
    scheduledAt: row.scheduled_at,
    venue: JSON.parse(row.venue),
    recordDate: row.record_date,
    announcesStatuteAmendment: row.announces_statute_amendment === 1,
    requestId: row.request_id,
    rulesVersion: row.rules_version,
    status: row.status,
    rollSize: row.roll_size,
    rollWeight: row.roll_weight,
    convenedAt: row.convened_at,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    cancelledAt: row.cancelled_at,
    cancellationReason: row.cancellation_reason,
  });

/** An assembly's place in the list's order, latest first: when it is scheduled, then its id. */
export type AssemblyPlace = readonly [scheduledAt: string, id: string];

/** The cooperative's assemblies, latest first: all of them, or a page of at most `limit` starting after `after`. */
export async function assembliesOf(
  reader: SqlExecutor,
  tables: AssembliesTables,
  cooperativeId: string,
  page?: { readonly limit: number; readonly after?: AssemblyPlace | undefined },
): Promise<AssemblySummary[]> {
  const start = page?.after ? ' AND (scheduled_at, id) < (?, ?)' : '';
  const rows = await reader.all<AssemblyRow>(
    `SELECT * FROM ${tables.assemblies} WHERE cooperative_id = ?${start} ORDER BY scheduled_at DESC, id DESC${page ? ' LIMIT ?' : ''}`,
    [cooperativeId, ...(page?.after ?? []), ...(page ? [page.limit] : [])],
  );
  return rows.map(summaryOf);
}

/** An agenda item's document as members open it: the report of its year, read at its pinned position. */
export interface AgendaItemDocument {
  readonly kind: 'impact-report';
  readonly year: number;
  readonly asOfPosition: number;
  readonly href: string;
}

export interface AssemblyOverview extends AssemblySummary {
  readonly agenda: { number: number; title: string; document: AgendaItemDocument | null }[];
  readonly attendance: { memberId: string; recordedAt: string }[];
  readonly presentWeight: number;
  readonly proxies: { grantorId: string; holderId: string; grantedAt: string }[];
  readonly convocations: { sentAt: string; recipients: number; agendaItems: number; motions: number }[];
}

export async function assemblySummary(
  reader: SqlExecutor,
  tables: AssembliesTables,
  cooperativeId: string,
  assemblyId: string,
): Promise<AssemblySummary | undefined> {
  const row = await reader.get<AssemblyRow>(`SELECT * FROM ${tables.assemblies} WHERE id = ? AND cooperative_id = ?`, [
    assemblyId,
    cooperativeId,
  ]);
  return row && summaryOf(row);
}

export async function assemblyOverview(
  reader: SqlExecutor,
  tables: AssembliesTables,
  cooperativeId: string,
  assemblyId: string,
): Promise<AssemblyOverview | undefined> {
  const summary = await assemblySummary(reader, tables, cooperativeId, assemblyId);
  if (!summary) return undefined;
  const agenda = await reader.all<{ number: number; title: string; year: number | null; as_of_position: number | string | null }>(
    `SELECT a.number, a.title, d.year, d.as_of_position FROM ${tables.agenda} a
     LEFT JOIN ${tables.agenda_documents} d ON d.assembly_id = a.assembly_id AND d.number = a.number
     WHERE a.assembly_id = ? ORDER BY a.number`,
    [assemblyId],
  );
  const attendance = await reader.all<{ member_id: string; recorded_at: string; weight: number }>(
    `SELECT a.member_id, a.recorded_at, r.weight FROM ${tables.attendance} a
     JOIN ${tables.roll} r ON r.assembly_id = a.assembly_id AND r.member_id = a.member_id
     WHERE a.assembly_id = ? ORDER BY a.recorded_at, a.member_id`,
    [assemblyId],
  );
  const proxies = await activeProxies(reader, tables, assemblyId);
  const convocations = await reader.all<{ sent_at: string; recipients: number; agenda_items: number; motions: number }>(
    `SELECT sent_at, recipients, agenda_items, motions FROM ${tables.notices} WHERE assembly_id = ? ORDER BY sent_at`,
    [assemblyId],
  );
  return {
    ...summary,
    agenda: agenda.map((item) => ({
      number: Number(item.number),
      title: item.title,
      document:
        item.year === null || item.as_of_position === null
          ? null
          : {
              kind: 'impact-report',
              year: Number(item.year),
              asOfPosition: Number(item.as_of_position),
              href: `/cooperatives/${cooperativeId}/impact-report.html?year=${item.year}&asOfPosition=${item.as_of_position}`,
            },
    })),
    attendance: attendance.map((present) => ({ memberId: present.member_id, recordedAt: present.recorded_at })),
    presentWeight: attendance.reduce((sum, present) => sum + present.weight, 0),
    proxies,
    convocations: convocations.map((sent) => ({
      sentAt: sent.sent_at,
      recipients: Number(sent.recipients),
      agendaItems: Number(sent.agenda_items),
      motions: Number(sent.motions),
    })),
  };
}

export async function activeProxies(reader: SqlExecutor, tables: AssembliesTables, assemblyId: string, memberId?: string) {
  const rows = await reader.all<{ grantor_id: string; holder_id: string; granted_at: string }>(
    `SELECT grantor_id, holder_id, granted_at FROM ${tables.proxies}
     WHERE assembly_id = ? AND revoked_at IS NULL ${memberId ? 'AND (grantor_id = ? OR holder_id = ?)' : ''}
     ORDER BY granted_at, grantor_id`,
    memberId ? [assemblyId, memberId, memberId] : [assemblyId],
  );
  return rows.map((proxy) => ({ grantorId: proxy.grantor_id, holderId: proxy.holder_id, grantedAt: proxy.granted_at }));
}

export async function rollEntry(reader: SqlExecutor, tables: AssembliesTables, assemblyId: string, memberId: string) {
  return reader.get<{ weight: number }>(`SELECT weight FROM ${tables.roll} WHERE assembly_id = ? AND member_id = ?`, [
    assemblyId,
    memberId,
  ]);
}

export const assemblyRequestSchema = z.object({
  id: z.uuid(),
  subject: z.string(),
  requestedBy: z.uuid(),
  requestedAt: z.string(),
  supporters: z.int(),
  supportingWeight: z.int(),
  demanded: z.boolean(),
  eligibleWeight: z.int().nullable(),
  demandedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  /** Once the demanded assembly is convened: by whom, for when, and whether that is by the deadline (BW 2:41 lid 2). */
  convocation: z
    .object({
      assemblyId: z.uuid(),
      convenedBy: z.enum(['board', 'requesters']),
      scheduledAt: z.string(),
      withinDeadline: z.boolean(),
      convenedAt: z.string(),
    })
    .nullable(),
});

export async function assemblyRequest(reader: SqlExecutor, tables: AssembliesTables, cooperativeId: string, requestId: string) {
  const row = await reader.get<{
    id: string;
    subject: string;
    requested_by: string;
    requested_at: string;
    supporters: number;
    supporting_weight: number;
    eligible_weight: number | null;
    demanded_at: string | null;
    deadline: string | null;
  }>(`SELECT * FROM ${tables.requests} WHERE id = ? AND cooperative_id = ?`, [requestId, cooperativeId]);
  if (!row) return undefined;
  const convocation = await reader.get<{
    assembly_id: string;
    convened_by: 'board' | 'requesters';
    scheduled_at: string;
    within_deadline: number;
    convened_at: string;
  }>(`SELECT * FROM ${tables.convocations} WHERE request_id = ?`, [requestId]);
  return {
    id: row.id,
    subject: row.subject,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    supporters: row.supporters,
    supportingWeight: row.supporting_weight,
    demanded: row.demanded_at !== null,
    eligibleWeight: row.eligible_weight,
    demandedAt: row.demanded_at,
    deadline: row.deadline,
    convocation: convocation
      ? {
          assemblyId: convocation.assembly_id,
          convenedBy: convocation.convened_by,
          scheduledAt: convocation.scheduled_at,
          withinDeadline: convocation.within_deadline === 1,
          convenedAt: convocation.convened_at,
        }
      : null,
  };
}
