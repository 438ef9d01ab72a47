// The member register: who is (and was) a member, with their status over time, so the register can be read as it
// stood on any date. Personal data is decrypted here, and blanked when the member is erased.
import {
  decryptWith,
  defineProjection,
  on,
  type KeyStore,
  type SqlExecutor,
  type StoredEvent,
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
  MemberExpelled,
  ExpulsionAppealed,
  ExpulsionUpheld,
  ExpulsionAnnulled,
  PersonalDataErased,
} from '../domain/member.events.js';
import { personalDataSchema, type PersonalData } from '../domain/personal-data.js';

export const REGISTER_STATUSES = ['applied', 'admitted', 'suspended', 'rejected', 'terminated'] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

type Tables = 'members' | 'periods';

/**
 * Periods are never changed in place: ending the open one records it as superseded at this event's position and
 * writes its ended copy, so the register can also be read as it was recorded up to any position. Two statements a
 * transition: they run for every member event of a replay.
 */
async function startPeriod(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  event: StoredEvent,
  memberId: string,
  status: RegisterStatus,
  at: string,
): Promise<void> {
  const open = await transaction.get<{ status: RegisterStatus; from_at: string }>(
    `UPDATE ${tables.periods} SET superseded_position = ? WHERE member_id = ? AND to_at IS NULL AND superseded_position IS NULL
     RETURNING status, from_at`,
    [event.position, memberId],
  );
  // A backdated termination never ends a period before it began.
  const from = open && at < open.from_at ? open.from_at : at;
  const { cooperativeId } = event.metadata;
  const columns = `${tables.periods} (member_id, cooperative_id, status, from_at, to_at, recorded_position)`;
  if (open) {
    await transaction.run(`INSERT INTO ${columns} VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, NULL, ?)`, [
      ...[memberId, cooperativeId, open.status, open.from_at, from, event.position],
      ...[memberId, cooperativeId, status, from, event.position],
    ]);
  } else {
    await transaction.run(`INSERT INTO ${columns} VALUES (?, ?, ?, ?, NULL, ?)`, [memberId, cooperativeId, status, from, event.position]);
  }
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
          to_at TEXT,
          recorded_position BIGINT NOT NULL,
          superseded_position BIGINT
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
        await startPeriod(transaction, tables, event, event.data.memberId, 'applied', event.data.registeredAt);
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
        startPeriod(transaction, tables, event, event.data.memberId, 'admitted', event.data.admittedAt),
      ),
      on(ApplicationRejected, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'rejected', event.data.rejectedAt),
      ),
      on(MemberSuspended, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'suspended', event.data.suspendedAt),
      ),
      on(MemberReinstated, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'admitted', event.data.reinstatedAt),
      ),
      on(MemberTerminated, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'terminated', event.data.effectiveAt),
      ),
      // Suspended while the appeal term runs, and gone when it ends — unless an appeal keeps the suspension open.
      on(MemberExpelled, async (event, transaction, tables) => {
        const { memberId, expelledAt, appealUntil } = event.data;
        await startPeriod(transaction, tables, event, memberId, 'suspended', expelledAt);
        await startPeriod(transaction, tables, event, memberId, 'terminated', appealUntil);
      }),
      on(ExpulsionAppealed, (event, transaction, tables) => suspendUntilDecided(transaction, tables, event, event.data.memberId)),
      on(ExpulsionUpheld, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'terminated', event.data.effectiveAt),
      ),
      on(ExpulsionAnnulled, (event, transaction, tables) =>
        startPeriod(transaction, tables, event, event.data.memberId, 'admitted', event.data.annulledAt),
      ),
    ],
  });
}

/**
 * An appeal keeps the expulsion's suspension open until the assembly decides: the termination recorded for the end of
 * the appeal term, and the suspension it would have ended, are superseded by one suspension without an end.
 */
async function suspendUntilDecided(transaction: SqlExecutor, tables: TableNames<Tables>, event: StoredEvent, memberId: string): Promise<void> {
  const supersede = `UPDATE ${tables.periods} SET superseded_position = ? WHERE member_id = ? AND superseded_position IS NULL`;
  const termination = await transaction.get<{ from_at: string }>(`${supersede} AND to_at IS NULL RETURNING from_at`, [event.position, memberId]);
  if (!termination) return;
  const suspension = await transaction.get<{ from_at: string }>(`${supersede} AND to_at = ? RETURNING from_at`, [
    event.position,
    memberId,
    termination.from_at,
  ]);
  await transaction.run(
    `INSERT INTO ${tables.periods} (member_id, cooperative_id, status, from_at, to_at, recorded_position) VALUES (?, ?, 'suspended', ?, NULL, ?)`,
    [memberId, event.metadata.cooperativeId, suspension?.from_at ?? termination.from_at, event.position],
  );
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

/** The register at a moment, optionally as the events up to a position recorded it. */
export interface PointInTime {
  readonly cooperativeId: string;
  /** ISO date-time: the register as it stood at that moment. */
  readonly asOf: string;
  /** Only what had been recorded up to this position (inclusive): a later backdated change does not show. */
  readonly asOfPosition?: number;
}

export interface RegisterQuery extends PointInTime {
  readonly status?: RegisterStatus;
  /** Part of a name, any case. */
  readonly name?: string;
  readonly limit: number;
  readonly offset: number;
}

/** The status each member had at `asOf`; a member registered later is not in it. */
function asOfClause(tables: TableNames<Tables>, query: Omit<RegisterQuery, 'limit' | 'offset'>) {
  const conditions = ['p.cooperative_id = ?', 'p.from_at <= ?', '(p.to_at IS NULL OR p.to_at > ?)'];
  const parameters: (string | number)[] = [query.cooperativeId, query.asOf, query.asOf];
  if (query.asOfPosition === undefined) conditions.push('p.superseded_position IS NULL');
  else {
    conditions.push('p.recorded_position <= ?', '(p.superseded_position IS NULL OR p.superseded_position > ?)');
    parameters.push(query.asOfPosition, query.asOfPosition);
  }
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
    `SELECT ${REGISTER_COLUMNS} FROM ${from} ORDER BY ${REGISTER_ORDER} LIMIT ? OFFSET ?`,
    [...parameters, query.limit, query.offset],
  );
  return { total: total?.total ?? 0, members: rows.map(toEntry) };
}

const REGISTER_COLUMNS = 'm.id, m.name, m.email, m.address, m.phone, m.erased, p.status, m.registered_at';
/** By name, members without one (erased) last, then by id: one order for a page and for the whole register. */
const REGISTER_ORDER = "CASE WHEN m.name IS NULL THEN 1 ELSE 0 END, coalesce(m.name, ''), m.id";

export async function statusCounts(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  moment: PointInTime,
): Promise<Record<RegisterStatus, number>> {
  const { from, parameters } = asOfClause(tables, moment);
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

/**
 * Every member at the moment, a page at a time, so an export of any size holds one page in memory. Each page starts
 * after the last member of the one before (a keyset, not an offset) and counts nothing, so the whole register costs
 * the same per member however long it is.
 */
export async function* registerRows(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  moment: PointInTime,
  limit = 1000,
): AsyncGenerator<RegisterEntry> {
  const { from, parameters } = asOfClause(tables, moment);
  let after: RegisterRow | undefined;
  for (;;) {
    // The page order as one row value: the next page starts after the last member of this one.
    const keyset = after ? ` AND (${REGISTER_ORDER}) > (?, ?, ?)` : '';
    const rows: RegisterRow[] = await reader.all<RegisterRow>(
      `SELECT ${REGISTER_COLUMNS} FROM ${from}${keyset} ORDER BY ${REGISTER_ORDER} LIMIT ?`,
      [...parameters, ...(after ? [after.name === null ? 1 : 0, after.name ?? '', after.id] : []), limit],
    );
    yield* rows.map(toEntry);
    after = rows.at(-1);
    if (rows.length < limit) return;
  }
}
