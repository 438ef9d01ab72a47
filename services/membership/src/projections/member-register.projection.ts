// The member register: who is (and was) a member, with their status over time, so the register can be read as it
// stood on any date. Personal data is decrypted here, and blanked when the member is erased.
import {
  decryptWith,
  defineProjection,
  on,
  type KeyStore,
  type SqlExecutor,
  type TableNames,
} from '@meent/eventsourcing';
import {
  ApplicationRejected,
  MemberAdmitted,
  MemberDetailsChanged,
  MemberReinstated,
  MemberRegistered,
  MemberSuspended,
  MemberTerminated,
  PersonalDataErased,
} from '../domain/member.events.js';
import { personalDataSchema, type PersonalData } from '../domain/personal-data.js';

export const REGISTER_STATUSES = ['applied', 'admitted', 'suspended', 'rejected', 'terminated'] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

type Tables = 'members' | 'periods';

async function startPeriod(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  memberId: string,
  status: RegisterStatus,
  at: string,
): Promise<void> {
  const open = await transaction.get<{ from_at: string }>(
    `SELECT from_at FROM ${tables.periods} WHERE member_id = ? AND to_at IS NULL`,
    [memberId],
  );
  // A backdated termination never ends a period before it began.
  const from = open && at < open.from_at ? open.from_at : at;
  await transaction.run(`UPDATE ${tables.periods} SET to_at = ? WHERE member_id = ? AND to_at IS NULL`, [from, memberId]);
  await transaction.run(
    `INSERT INTO ${tables.periods} (member_id, cooperative_id, status, from_at, to_at)
     SELECT id, cooperative_id, ?, ?, NULL FROM ${tables.members} WHERE id = ?`,
    [status, from, memberId],
  );
}

async function writePersonalData(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  memberId: string,
  personalData: PersonalData | undefined,
): Promise<void> {
  await transaction.run(
    `UPDATE ${tables.members} SET name = ?, email = ?, address = ?, phone = ?, erased = ? WHERE id = ?`,
    [
      personalData?.name ?? null,
      personalData?.email ?? null,
      personalData?.address ?? null,
      personalData?.phone ?? null,
      personalData ? 0 : 1,
      memberId,
    ],
  );
}

export function memberRegisterProjection(keys: KeyStore) {
  return defineProjection({
    name: 'member_register',
    tables: {
      members: (name) => [
        `CREATE TABLE IF NOT EXISTS ${name} (
          id TEXT PRIMARY KEY,
          cooperative_id TEXT NOT NULL,
          name TEXT,
          email TEXT,
          address TEXT,
          phone TEXT,
          erased INTEGER NOT NULL DEFAULT 0,
          channel TEXT NOT NULL,
          registered_at TEXT NOT NULL
        )`,
        `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, name)`,
      ],
      periods: (name) => [
        `CREATE TABLE IF NOT EXISTS ${name} (
          member_id TEXT NOT NULL,
          cooperative_id TEXT NOT NULL,
          status TEXT NOT NULL,
          from_at TEXT NOT NULL,
          to_at TEXT
        )`,
        `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, from_at)`,
        `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id, to_at)`,
      ],
    },
    handlers: [
      on(MemberRegistered, async (event, transaction, tables) => {
        await transaction.run(
          `INSERT INTO ${tables.members} (id, cooperative_id, channel, registered_at) VALUES (?, ?, ?, ?)`,
          [event.data.memberId, event.data.cooperativeId, event.data.channel, event.data.registeredAt],
        );
        await writePersonalData(
          transaction,
          tables,
          event.data.memberId,
          await decryptWith(keys, event.data.personalData, personalDataSchema),
        );
        await startPeriod(transaction, tables, event.data.memberId, 'applied', event.data.registeredAt);
      }),
      on(MemberDetailsChanged, async (event, transaction, tables) => {
        await writePersonalData(
          transaction,
          tables,
          event.data.memberId,
          await decryptWith(keys, event.data.personalData, personalDataSchema),
        );
      }),
      on(PersonalDataErased, async (event, transaction, tables) => {
        await writePersonalData(transaction, tables, event.data.memberId, undefined);
      }),
      on(MemberAdmitted, (event, transaction, tables) =>
        startPeriod(transaction, tables, event.data.memberId, 'admitted', event.data.admittedAt),
      ),
      on(ApplicationRejected, (event, transaction, tables) =>
        startPeriod(transaction, tables, event.data.memberId, 'rejected', event.data.rejectedAt),
      ),
      on(MemberSuspended, (event, transaction, tables) =>
        startPeriod(transaction, tables, event.data.memberId, 'suspended', event.data.suspendedAt),
      ),
      on(MemberReinstated, (event, transaction, tables) =>
        startPeriod(transaction, tables, event.data.memberId, 'admitted', event.data.reinstatedAt),
      ),
      on(MemberTerminated, (event, transaction, tables) =>
        startPeriod(transaction, tables, event.data.memberId, 'terminated', event.data.effectiveAt),
      ),
    ],
  });
}

export type MemberRegisterProjection = ReturnType<typeof memberRegisterProjection>;

export interface RegisterEntry {
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly address: string | null;
  readonly phone: string | null;
  readonly erased: boolean;
  readonly status: RegisterStatus;
  readonly registeredAt: string;
}

interface RegisterRow {
  id: string;
  name: string | null;
  email: string | null;
  address: string | null;
  phone: string | null;
  erased: number;
  status: RegisterStatus;
  registered_at: string;
}

const toEntry = (row: RegisterRow): RegisterEntry => ({
  id: row.id,
  name: row.name,
  email: row.email,
  address: row.address,
  phone: row.phone,
  erased: row.erased === 1,
  status: row.status,
  registeredAt: row.registered_at,
});

export interface RegisterQuery {
  readonly cooperativeId: string;
  /** ISO date-time: the register as it stood at that moment. */
  readonly asOf: string;
  readonly status?: RegisterStatus;
  /** Part of a name, any case. */
  readonly name?: string;
  readonly limit: number;
  readonly offset: number;
}

/** The status each member had at `asOf`; a member registered later is not in it. */
function asOfClause(tables: TableNames<Tables>, query: Omit<RegisterQuery, 'limit' | 'offset'>) {
  const conditions = ['p.cooperative_id = ?', 'p.from_at <= ?', '(p.to_at IS NULL OR p.to_at > ?)'];
  const parameters: string[] = [query.cooperativeId, query.asOf, query.asOf];
  if (query.status) {
    conditions.push('p.status = ?');
    parameters.push(query.status);
  }
  if (query.name) {
    conditions.push("lower(m.name) LIKE ? ESCAPE '\\'");
    parameters.push(`%${query.name.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`);
  }
  return {
    from: `${tables.periods} p JOIN ${tables.members} m ON m.id = p.member_id WHERE ${conditions.join(' AND ')}`,
    parameters,
  };
}

export async function registerPage(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  query: RegisterQuery,
): Promise<{ total: number; members: RegisterEntry[] }> {
  const { from, parameters } = asOfClause(tables, query);
  const total = await reader.get<{ total: number }>(`SELECT count(*) AS total FROM ${from}`, parameters);
  const rows = await reader.all<RegisterRow>(
    `SELECT m.id, m.name, m.email, m.address, m.phone, m.erased, p.status, m.registered_at FROM ${from}
     ORDER BY m.name IS NULL, m.name, m.id LIMIT ? OFFSET ?`,
    [...parameters, query.limit, query.offset],
  );
  return { total: total?.total ?? 0, members: rows.map(toEntry) };
}

export async function statusCounts(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  asOf: string,
): Promise<Record<RegisterStatus, number>> {
  const { from, parameters } = asOfClause(tables, { cooperativeId, asOf });
  const rows = await reader.all<{ status: RegisterStatus; count: number }>(
    `SELECT p.status, count(*) AS count FROM ${from} GROUP BY p.status`,
    parameters,
  );
  const counts = Object.fromEntries(REGISTER_STATUSES.map((status) => [status, 0])) as Record<RegisterStatus, number>;
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

export async function registerEntry(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  memberId: string,
  asOf: string,
): Promise<RegisterEntry | undefined> {
  const { from, parameters } = asOfClause(tables, { cooperativeId, asOf });
  const row = await reader.get<RegisterRow>(
    `SELECT m.id, m.name, m.email, m.address, m.phone, m.erased, p.status, m.registered_at FROM ${from} AND m.id = ?`,
    [...parameters, memberId],
  );
  return row ? toEntry(row) : undefined;
}

/** Every member at `asOf`, a page at a time, so an export of any size holds one page in memory. */
export async function* registerRows(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  asOf: string,
): AsyncGenerator<RegisterEntry> {
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const { members } = await registerPage(reader, tables, { cooperativeId, asOf, limit, offset });
    yield* members;
    if (members.length < limit) return;
  }
}
