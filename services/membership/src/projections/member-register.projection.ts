// The member register: who is (and was) a member, with their status over time, so the register can be read as it
// stood on any date. Personal data is decrypted here, and blanked when the member is erased.
import {
  decryptWith,
  defineProjection,
  on,
  type EventOf,
  type KeyStore,
  type ProjectionTransaction,
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

type Tables = 'members' | 'periods' | 'starts' | 'ends' | 'grams';
export type RegisterTables = TableNames<Tables>;

const boundaryCounts = (name: string) => [
  `CREATE TABLE IF NOT EXISTS ${name} (
    cooperative_id TEXT NOT NULL, status TEXT NOT NULL, day TEXT NOT NULL, span BIGINT NOT NULL, periods INTEGER NOT NULL,
    PRIMARY KEY (cooperative_id, status, day, span)
  )`,
];

/**
 * The periods in force (not superseded) counted by the day they start and by the day they end, per cooperative and
 * status, and by the span of positions that recorded the change. A member has a status at a moment when a period of
 * it started by then and had not ended: the register's count at a moment is the starts up to it less the ends up to
 * it — the days before it summed from these counts, its own day counted from the periods (see `countsAt`) — however
 * long the register. As recorded up to a position, the spans before the position's own are summed and its own span
 * counted from the periods.
 */
function countBoundary(
  transaction: ProjectionTransaction,
  table: string,
  event: StoredEvent,
  status: RegisterStatus,
  at: string,
  change: 1 | -1,
) {
  transaction.addToSums(
    table,
    { cooperative_id: event.metadata.cooperativeId, status, day: dayOf(at), span: spanOf(event.position) },
    { periods: change },
  );
}

/**
 * The span of positions a position belongs to, named by its first position: a span per position below 128, then 64
 * spans between each power of two and the next. Whatever an adapter's positions count (events, transactions, bytes),
 * a span holds at most 1/64 of the positions before it — what a count as of a position reads from the periods — and a
 * cooperative's counts are kept in at most 64 spans for each doubling of the log, what a count of the days sums.
 */
export function spanOf(position: number): number {
  let width = 1;
  while (position / width >= 128) width *= 2;
  return Math.floor(position / width) * width;
}

const dayOf = (at: string) => at.slice(0, 10);

/**
 * Periods are never changed in place: ending the open one records it as superseded at this event's position and
 * writes its ended copy, so the register can also be read as it was recorded up to any position. A member's first
 * period has none before it to end.
 */
async function startPeriod(
  transaction: ProjectionTransaction,
  tables: TableNames<Tables>,
  event: StoredEvent,
  memberId: string,
  status: RegisterStatus,
  at: string,
  { first }: { readonly first: boolean } = { first: false },
): Promise<void> {
  const ended = first ? undefined : await supersedeOpenPeriod(transaction, tables, event, memberId);
  // A backdated termination never ends a period before it began.
  const from = ended && at < ended.from_at ? ended.from_at : at;
  const { cooperativeId } = event.metadata;
  // The ended period's start stays counted (its ended copy starts when it did); it ends where the new one starts.
  if (ended) countBoundary(transaction, tables.ends, event, ended.status, from, 1);
  countBoundary(transaction, tables.starts, event, status, from, 1);
  const period = (of: RegisterStatus, fromAt: string, toAt: string | null): Period => ({
    member_id: memberId,
    cooperative_id: cooperativeId,
    status: of,
    from_at: fromAt,
    to_at: toAt,
    recorded_position: event.position,
    superseded_position: null,
  });
  const periods = heldPeriods(transaction, tables);
  const recorded = periods.get(memberId) ?? [];
  if (ended) recorded.push(period(ended.status, ended.from_at, from));
  recorded.push(period(status, from, null));
  periods.set(memberId, recorded);
}

/** Ends the member's open period, if any, as recorded at this event: a member has one at most, held or written. */
async function supersedeOpenPeriod(transaction: ProjectionTransaction, tables: TableNames<Tables>, event: StoredEvent, memberId: string) {
  for (const period of heldPeriods(transaction, tables).get(memberId) ?? []) {
    if (period.to_at !== null || period.superseded_position !== null) continue;
    period.superseded_position = event.position;
    return period;
  }
  return transaction.get<{ status: RegisterStatus; from_at: string }>(
    `UPDATE ${tables.periods} SET superseded_position = ? WHERE member_id = ? AND to_at IS NULL AND superseded_position IS NULL
     RETURNING status, from_at`,
    [event.position, memberId],
  );
}

interface Period {
  readonly member_id: string;
  readonly cooperative_id: string;
  readonly status: RegisterStatus;
  readonly from_at: string;
  readonly to_at: string | null;
  readonly recorded_position: number;
  superseded_position: number | null;
}

const PERIOD_COLUMNS = ['member_id', 'cooperative_id', 'status', 'from_at', 'to_at', 'recorded_position', 'superseded_position'] as const;

/**
 * The periods this batch records, by member, written when it ends: a replay's changes of status mostly end a period
 * recorded a few events before in the same batch, which is then written once, superseded, rather than written and
 * updated (an update cost three times an insert).
 */
function heldPeriods(transaction: ProjectionTransaction, tables: TableNames<Tables>): Map<string, Period[]> {
  return transaction.held('periods', () => new Map<string, Period[]>(), (periods) => writePeriods(transaction, tables, periods));
}

async function writePeriods(transaction: ProjectionTransaction, tables: TableNames<Tables>, periods: Map<string, Period[]>): Promise<void> {
  const rows = [...periods.values()].flat().map((period) => PERIOD_COLUMNS.map((column) => period[column]));
  periods.clear();
  await transaction.insertRows(tables.periods, PERIOD_COLUMNS, rows);
}

/** The register's columns holding a member's personal data, with the order kept as columns an index can seek in. */
function personalColumns(personalData: PersonalData | undefined) {
  return {
    name: personalData?.name ?? null,
    // By name, members without one (erased) last.
    nameless: personalData?.name === undefined ? 1 : 0,
    sort_name: personalData?.name ?? '',
    search_name: personalData ? searchable(personalData.name) : null,
    email: personalData?.email ?? null,
    address: personalData?.address ?? null,
    phone: personalData?.phone ?? null,
    erased: personalData ? 0 : 1,
  };
}

/** A member registered: their row written once, with their personal data (a replay writes it a single time). */
async function registerMember(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  event: StoredEvent<string, EventOf<typeof MemberRegistered>['data']>,
  personalData: PersonalData | undefined,
): Promise<void> {
  const { memberId, cooperativeId, channel, registeredAt } = event.data;
  const columns = { id: memberId, cooperative_id: cooperativeId, channel, registered_at: registeredAt, ...personalColumns(personalData) };
  await transaction.run(
    `INSERT INTO ${tables.members} (${Object.keys(columns).join(', ')}) VALUES (${Object.keys(columns).map(() => '?').join(', ')})`,
    Object.values(columns),
  );
  await addGrams(transaction, tables, event.metadata.cooperativeId, memberId, columns.search_name);
}

async function writePersonalData(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  memberId: string,
  personalData: PersonalData | undefined,
): Promise<void> {
  const columns = personalColumns(personalData);
  // The runs of three letters of the name it replaces go with it.
  const before = await transaction.get<{ search_name: string | null }>(`SELECT search_name FROM ${tables.members} WHERE id = ?`, [memberId]);
  await transaction.run(`UPDATE ${tables.members} SET ${Object.keys(columns).map((column) => `${column} = ?`).join(', ')} WHERE id = ?`, [
    ...Object.values(columns),
    memberId,
  ]);
  if (before?.search_name) {
    const held = gramsOf(before.search_name);
    await transaction.run(
      `DELETE FROM ${tables.grams} WHERE cooperative_id = ? AND member_id = ? AND gram IN (${held.map(() => '?').join(', ')})`,
      [cooperativeId, memberId, ...held],
    );
  }
  await addGrams(transaction, tables, cooperativeId, memberId, columns.search_name);
}

/** Every run of three letters of the name, for the name search. */
async function addGrams(
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  memberId: string,
  searchName: string | null,
): Promise<void> {
  const grams = searchName === null ? [] : gramsOf(searchName);
  await transaction.insertRows(
    tables.grams,
    ['cooperative_id', 'gram', 'member_id'],
    grams.map((gram) => [cooperativeId, gram, memberId]),
  );
}

/** A name as a search compares it: lower case in every script, the same in SQLite and PostgreSQL. */
const searchable = (name: string) => name.normalize('NFC').toLowerCase();

/** Every run of three letters of a searchable name, once each. */
function gramsOf(text: string): string[] {
  const letters = [...text];
  return [...new Set(letters.slice(0, Math.max(0, letters.length - 2)).map((_, index) => letters.slice(index, index + 3).join('')))];
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
          registered_at TEXT NOT NULL,
          nameless INTEGER NOT NULL DEFAULT 1,
          sort_name TEXT NOT NULL DEFAULT '',
          search_name TEXT
        )`,
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
        // Covering: a member's period at a moment, as recorded up to a position too, is read from the index alone — and
        // the open period a change supersedes is found through it.
        `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id, superseded_position, from_at, to_at, status, recorded_position)`,
      ],
      starts: boundaryCounts,
      ends: boundaryCounts,
      // Every three letters of each name, lower case: a search by part of a name reads the members holding its rarest
      // three, not the register.
      grams: (name) => [
        `CREATE TABLE IF NOT EXISTS ${name} (cooperative_id TEXT NOT NULL, gram TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (cooperative_id, gram, member_id))`,
      ],
    },
    // Only reads use these: a replay writes each period under one index and builds these once it is done (five
    // periods' indexes kept up to date made each change of status cost three times as much).
    readIndexes: {
      members: (name) => [`CREATE INDEX IF NOT EXISTS ${name}_in_register_order ON ${name} (cooperative_id, nameless, sort_name, id)`],
      periods: (name) => [
        `CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, from_at)`,
        `CREATE INDEX IF NOT EXISTS ${name}_counted ON ${name} (cooperative_id, superseded_position, from_at, to_at, status)`,
        // The periods ending on a day, superseded or not: a count of that day as recorded up to any position.
        `CREATE INDEX IF NOT EXISTS ${name}_by_end ON ${name} (cooperative_id, to_at, superseded_position, from_at, status)`,
        `CREATE INDEX IF NOT EXISTS ${name}_by_recording ON ${name} (cooperative_id, recorded_position, status, from_at, to_at)`,
      ],
    },
    handlers: [
      on(MemberRegistered, async (event, transaction, tables) => {
        await registerMember(transaction, tables, event, await decryptWith(keys, event.data.personalData, personalDataSchema));
        await startPeriod(transaction, tables, event, event.data.memberId, 'applied', event.data.registeredAt, { first: true });
      }),
      on(MemberDetailsChanged, async (event, transaction, tables) => {
        await writePersonalData(
          transaction,
          tables,
          event.metadata.cooperativeId,
          event.data.memberId,
          await decryptWith(keys, event.data.personalData, personalDataSchema),
        );
      }),
      on(PersonalDataErased, async (event, transaction, tables) => {
        await writePersonalData(transaction, tables, event.metadata.cooperativeId, event.data.memberId, undefined);
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
async function suspendUntilDecided(transaction: ProjectionTransaction, tables: TableNames<Tables>, event: StoredEvent, memberId: string): Promise<void> {
  // Rare enough to read the table as it stands: the periods the batch holds are written first.
  await writePeriods(transaction, tables, heldPeriods(transaction, tables));
  const supersede = `UPDATE ${tables.periods} SET superseded_position = ? WHERE member_id = ? AND superseded_position IS NULL`;
  const termination = await transaction.get<{ from_at: string; status: RegisterStatus }>(`${supersede} AND to_at IS NULL RETURNING from_at, status`, [
    event.position,
    memberId,
  ]);
  if (!termination) return;
  const suspension = await transaction.get<{ from_at: string }>(`${supersede} AND to_at = ? RETURNING from_at`, [
    event.position,
    memberId,
    termination.from_at,
  ]);
  // The termination no longer starts, and the suspension no longer ends, when the appeal term runs out; a suspension
  // without one to carry on from starts there.
  countBoundary(transaction, tables.starts, event, termination.status, termination.from_at, -1);
  if (suspension) countBoundary(transaction, tables.ends, event, 'suspended', termination.from_at, -1);
  else countBoundary(transaction, tables.starts, event, 'suspended', termination.from_at, 1);
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
  /** Where the page starts: after this member of the register's order (a keyset, found in the index at once). */
  readonly after?: RegisterCursor;
}

/** A member's place in the register's order: by name, members without one last, then by id. */
export interface RegisterCursor {
  readonly nameless: 0 | 1;
  readonly sortName: string;
  readonly id: string;
}

const cursorOf = (row: RegisterRow): RegisterCursor => ({ nameless: row.name === null ? 1 : 0, sortName: row.name ?? '', id: row.id });

/** The condition that starts a page after `cursor`, and its parameters. */
function startingAfter(cursor: RegisterCursor | undefined): { condition: string; parameters: (string | number)[] } {
  if (!cursor) return { condition: '', parameters: [] };
  return { condition: ` AND (${REGISTER_ORDER}) > (?, ?, ?)`, parameters: [cursor.nameless, cursor.sortName, cursor.id] };
}

/** The conditions on a member's period at the moment asked (and as recorded up to the position, if one is asked). */
function periodAt(query: PointInTime & { status?: RegisterStatus | undefined }) {
  const conditions = ['p.from_at <= ?', '(p.to_at IS NULL OR p.to_at > ?)'];
  const parameters: (string | number)[] = [query.asOf, query.asOf];
  if (query.asOfPosition === undefined) conditions.push('p.superseded_position IS NULL');
  else {
    const recorded = recordedBy(query.asOfPosition);
    conditions.push(...recorded.conditions);
    parameters.push(...recorded.parameters);
  }
  if (query.status) {
    conditions.push('p.status = ?');
    parameters.push(query.status);
  }
  return { conditions, parameters };
}

/** Which members a page or count is about: at a moment, optionally of one status or with part of a name. */
type RegisterFilter = Omit<RegisterQuery, 'limit' | 'offset' | 'after'>;

/**
 * Part of a name, any case: the members holding both of its two rarest runs of three letters (the one run of a part of
 * three letters; none under three), each then checked whole.
 */
interface NameSearch {
  /** The part, its `%` and `_` taken as they are. */
  readonly like: string;
  readonly grams: readonly string[];
}

/** A probe counts at most this many members holding a run of three letters. */
const GRAM_PROBE = 20_000;
/**
 * The runs probed of what was typed: a probe reads as many members as it could spare the search, so after the last
 * four of the text — the part most searches narrow with — another costs about what it may save.
 */
const GRAMS_PROBED = 4;

async function nameSearch(reader: SqlExecutor, tables: TableNames<Tables>, cooperativeId: string, name: string): Promise<NameSearch> {
  const part = searchable(name);
  const like = `%${part.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  // Each run is counted only as far as the second rarest found so far: a common one stops there. The runs at the end
  // of what was typed come first, the part most searches narrow with ("member 0012": its digits, not "mem").
  let rarest: { gram: string; members: number }[] = [];
  for (const gram of gramsOf(part).reverse().slice(0, GRAMS_PROBED)) {
    const row = await reader.get<{ members: number | string }>(
      `SELECT count(*) AS members FROM (SELECT 1 FROM ${tables.grams} WHERE cooperative_id = ? AND gram = ? LIMIT ?) AS probe`,
      [cooperativeId, gram, rarest[1]?.members ?? GRAM_PROBE],
    );
    rarest = [...rarest, { gram, members: Number(row?.members ?? 0) }].sort((one, other) => one.members - other.members).slice(0, 2);
    if (rarest[0]?.members === 0) break;
  }
  return { like, grams: rarest.map(({ gram }) => gram) };
}

/** The members whose name holds the part searched, with their period at the moment (of the status asked, if one is). */
function byName(tables: TableNames<Tables>, query: RegisterFilter, search: NameSearch) {
  const period = periodAt(query);
  const holding = `SELECT member_id FROM ${tables.grams} WHERE cooperative_id = ? AND gram = ?`;
  // From the members holding both runs to theirs, never the other way round: walking the members in the register's
  // order to skip the sort (SQLite's choice for a page) would read the whole register. A CROSS JOIN keeps SQLite to
  // that order; to PostgreSQL it is the join it always was. Both runs together leave few members to read whole where
  // each alone is common ("001" and "012" of "member 0012").
  const members =
    search.grams.length > 0
      ? {
          from: `(${search.grams.map(() => holding).join(' INTERSECT ')}) g CROSS JOIN ${tables.members} m`,
          parameters: search.grams.flatMap((gram) => [query.cooperativeId, gram]),
          condition: 'm.id = g.member_id',
        }
      : { from: `${tables.members} m`, parameters: [], condition: 'm.cooperative_id = ?' };
  return {
    from: `${members.from} JOIN ${tables.periods} p ON p.member_id = m.id AND ${period.conditions.join(' AND ')}
      WHERE ${members.condition} AND m.search_name LIKE ? ESCAPE '\\'`,
    parameters: [...members.parameters, ...period.parameters, ...(search.grams.length > 0 ? [] : [query.cooperativeId]), search.like],
  };
}

/**
 * The members with the status asked at `asOf`, found from the periods: for a page of a rare status, which would take
 * long to find walking the whole register in order. A member registered later is not in it.
 */
function ofStatus(tables: TableNames<Tables>, query: PointInTime & { status?: RegisterStatus | undefined }) {
  const period = periodAt(query);
  return {
    from: `${tables.periods} p JOIN ${tables.members} m ON m.id = p.member_id WHERE ${['p.cooperative_id = ?', ...period.conditions].join(' AND ')}`,
    parameters: [query.cooperativeId, ...period.parameters],
  };
}

/**
 * The register at the moment, walked in its order through the members' index, each member's period probed through
 * theirs: a page reads the members it shows, never the whole register sorted.
 */
function inRegisterOrder(tables: TableNames<Tables>, query: PointInTime & { status?: RegisterStatus | undefined }) {
  const period = periodAt(query);
  return {
    from: `${tables.members} m JOIN ${tables.periods} p ON p.member_id = m.id AND ${period.conditions.join(' AND ')} WHERE m.cooperative_id = ?`,
    parameters: [...period.parameters, query.cooperativeId],
  };
}

export async function registerPage(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  query: RegisterQuery,
): Promise<{ total: number; members: RegisterEntry[]; next: RegisterCursor | undefined }> {
  const search = query.name === undefined ? undefined : await nameSearch(reader, tables, query.cooperativeId, query.name);
  const { total, statusShare } = await countOf(reader, tables, query, search);
  // Walking the register in order finds a page of a status most members have at once, but one of a rare status only
  // after reading most of the register: that page is found from its periods, and sorted. A page by name is found
  // from the members the name search finds, and sorted.
  const walk = !query.status || (statusShare !== undefined && statusShare >= 1 / RARE_STATUS);
  const { from, parameters } = search ? byName(tables, query, search) : walk ? inRegisterOrder(tables, query) : ofStatus(tables, query);
  const after = startingAfter(query.after);
  // One row more than the page: whether there is a next page is known without asking for an empty one.
  const rows = await reader.all<RegisterRow>(
    `SELECT ${REGISTER_COLUMNS} FROM ${from}${after.condition} ORDER BY ${REGISTER_ORDER} LIMIT ? OFFSET ?`,
    [...parameters, ...after.parameters, query.limit + 1, query.offset],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { total, members: page.map(toEntry), next: last && rows.length > query.limit ? cursorOf(last) : undefined };
}

const REGISTER_COLUMNS = 'm.id, m.name, m.email, m.address, m.phone, m.erased, p.status, m.registered_at';
/** By name, members without one (erased) last, then by id: one order for a page and for the whole register. */
const REGISTER_ORDER = 'm.nameless, m.sort_name, m.id';

export async function statusCounts(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  moment: PointInTime,
): Promise<Record<RegisterStatus, number>> {
  return countsAt(reader, tables, moment);
}

const tally = (entries: readonly (readonly [RegisterStatus, number])[]): Record<RegisterStatus, number> => {
  const counts = Object.fromEntries(REGISTER_STATUSES.map((status) => [status, 0])) as Record<RegisterStatus, number>;
  for (const [status, count] of entries) counts[status] += count;
  return counts;
};

/** A status fewer than one in this many members have is rare: its page is not found by walking the register. */
const RARE_STATUS = 20;

/**
 * The members a page's query finds in all — from the kept counts where it can be, else counted — and, from the kept
 * counts, the share of the register the status asked for has.
 */
async function countOf(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  query: RegisterFilter,
  search: NameSearch | undefined,
): Promise<{ total: number; statusShare: number | undefined }> {
  if (!search) {
    const counts = await countsAt(reader, tables, query);
    const all = REGISTER_STATUSES.reduce((sum, status) => sum + counts[status], 0);
    if (!query.status) return { total: all, statusShare: undefined };
    return { total: counts[query.status], statusShare: all === 0 ? 0 : counts[query.status] / all };
  }
  const { from, parameters } = byName(tables, query, search);
  const row = await reader.get<{ total: number | string }>(`SELECT count(*) AS total FROM ${from}`, parameters);
  return { total: Number(row?.total ?? 0), statusShare: undefined };
}

/**
 * How many members had each status at the moment: the periods started by then less those ended by then — the days
 * before its own from the counts kept per day, its own day from the periods. Reads as many rows as there are days
 * with a change (and spans of positions that recorded one), whatever the register's length. As recorded up to a
 * position: the counts kept for the spans before the position's own, the changes of its own span up to the position
 * from the periods recorded or superseded there, and its own day from the periods as they stood at the position.
 */
async function countsAt(reader: SqlExecutor, tables: TableNames<Tables>, moment: PointInTime): Promise<Record<RegisterStatus, number>> {
  type Count = { status: RegisterStatus; count: number | string };
  const { cooperativeId, asOfPosition } = moment;
  const day = dayOf(moment.asOf);
  const dayStart = `${day}T00:00:00.000Z`;
  const upTo = asOfPosition === undefined ? undefined : { position: asOfPosition, span: spanOf(asOfPosition) };
  const before = (table: string) =>
    reader.all<Count>(
      `SELECT status, sum(periods) AS count FROM ${table} WHERE cooperative_id = ? AND day < ?${upTo ? ' AND span < ?' : ''} GROUP BY status`,
      [cooperativeId, day, ...(upTo ? [upTo.span] : [])],
    );
  const recorded = upTo ? recordedBy(upTo.position) : { conditions: ['p.superseded_position IS NULL'], parameters: [] };
  const onTheDay = (column: 'from_at' | 'to_at') =>
    reader.all<Count>(
      `SELECT status, count(*) AS count FROM ${tables.periods} p
       WHERE cooperative_id = ? AND ${column} >= ? AND ${column} <= ? AND ${recorded.conditions.join(' AND ')} GROUP BY status`,
      [cooperativeId, dayStart, moment.asOf, ...recorded.parameters],
    );
  const [startedBefore, endedBefore, startedThatDay, endedThatDay, changedInSpan] = await Promise.all([
    before(tables.starts),
    before(tables.ends),
    onTheDay('from_at'),
    onTheDay('to_at'),
    upTo ? changesInSpan(reader, tables, cooperativeId, upTo.span, upTo.position, dayStart) : [],
  ]);
  const positive = (rows: Count[]) => rows.map((row) => [row.status, Number(row.count)] as const);
  const negative = (rows: Count[]) => rows.map((row) => [row.status, -Number(row.count)] as const);
  const inSpan = changedInSpan.map(({ status, started, ended }) => [status, Number(started ?? 0) - Number(ended ?? 0)] as const);
  return tally([...positive(startedBefore), ...positive(startedThatDay), ...negative(endedBefore), ...negative(endedThatDay), ...inSpan]);
}

/** The periods as recorded up to a position: written by then, and not yet superseded. */
const recordedBy = (position: number) => ({
  conditions: ['p.recorded_position <= ?', '(p.superseded_position IS NULL OR p.superseded_position > ?)'],
  parameters: [position, position],
});

/**
 * The periods recorded (a change of +1) or superseded (-1) from the first position of the span up to the position, by
 * status: the starts and ends before `dayStart` among them are what the counts kept for the span hold of the changes
 * up to the position.
 */
function changesInSpan(reader: SqlExecutor, tables: TableNames<Tables>, cooperativeId: string, span: number, position: number, dayStart: string) {
  return reader.all<{ status: RegisterStatus; started: number | string | null; ended: number | string | null }>(
    `SELECT status, sum(CASE WHEN from_at < ? THEN change ELSE 0 END) AS started, sum(CASE WHEN to_at < ? THEN change ELSE 0 END) AS ended
     FROM (
       SELECT status, from_at, to_at, 1 AS change FROM ${tables.periods} WHERE cooperative_id = ? AND recorded_position >= ? AND recorded_position <= ?
       UNION ALL
       SELECT status, from_at, to_at, -1 AS change FROM ${tables.periods} WHERE cooperative_id = ? AND superseded_position >= ? AND superseded_position <= ?
     ) AS changes GROUP BY status`,
    [dayStart, dayStart, cooperativeId, span, position, cooperativeId, span, position],
  );
}

export async function registerEntry(
  reader: SqlExecutor,
  tables: TableNames<Tables>,
  cooperativeId: string,
  memberId: string,
  asOf: string,
): Promise<RegisterEntry | undefined> {
  const { from, parameters } = inRegisterOrder(tables, { cooperativeId, asOf });
  const row = await reader.get<RegisterRow>(`SELECT ${REGISTER_COLUMNS} FROM ${from} AND m.id = ?`, [...parameters, memberId]);
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
  const { from, parameters } = inRegisterOrder(tables, moment);
  let cursor: RegisterCursor | undefined;
  for (;;) {
    // The next page starts where the last member of this one is in the index.
    const after = startingAfter(cursor);
    const rows: RegisterRow[] = await reader.all<RegisterRow>(
      `SELECT ${REGISTER_COLUMNS} FROM ${from}${after.condition} ORDER BY ${REGISTER_ORDER} LIMIT ?`,
      [...parameters, ...after.parameters, limit],
    );
    yield* rows.map(toEntry);
    const last = rows.at(-1);
    if (!last || rows.length < limit) return;
    cursor = cursorOf(last);
  }
}
