// Benchmark (not a test): how the register's reads grow with the register. One store per size (10,000 and 100,000
// members unless BENCH_SIZES says otherwise), each member registered and admitted a minute apart, the events appended
// as the commands would record them and the register projected from them; then each read as the API makes it, and its
// growth from the smallest size to the largest — per member for the reads of the whole register. "As recorded
// halfway" reads the register as the events up to the halfway member's admission recorded it. Every store is built
// before any read is timed, and each read is timed at the sizes in turn, round after round: a machine that slows for a
// while slows every size's figure alike, not the one being measured then.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventToAppend } from '@meent/event-store';
import {
  EventRegistry,
  Projections,
  SqliteKeyStore,
  SqliteReadModelStore,
  encryptFor,
  type SqlExecutor,
} from '@meent/eventsourcing';
import { createMembership } from '@meent/membership';
import { v7 as uuidv7 } from 'uuid';
import {
  registerEntry,
  registerPage,
  registerRows,
  statusCounts,
  type MemberRegisterProjection,
  type RegisterTables,
} from '../../services/membership/src/projections/member-register.projection.js';
import { interleavedMedians } from './measure.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 2 });
const START = Date.parse('2020-01-01T00:00:00.000Z');
const minute = (count: number) => new Date(START + count * 60_000).toISOString();

interface Read {
  readonly name: string;
  /** Whether its cost is rightly proportional to the register (the whole register), so growth is shown per member. */
  readonly perMember: boolean;
  run(): Promise<unknown>;
}

/** Rounds of each read at every size; the median of each size's is its figure. */
const ROUNDS = { perMember: 11, page: 11 };

interface Built {
  readonly reads: readonly Read[];
  close(): Promise<void>;
}

/** One store of `members` members with its register projected, and the reads to time on it. */
async function build(members: number, directory: string): Promise<Built> {
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  const keys = new SqliteKeyStore({ path: join(directory, 'events.db') });
  const readModels = new SqliteReadModelStore({ path: join(directory, 'read-models.db') });
  const membership = createMembership({ keys });
  const register = membership.projections.find((projection) => projection.name === 'member_register') as MemberRegisterProjection;
  const projections = await Projections.start({ store, readModels, registry: new EventRegistry(membership.events), projections: [register] });
  const cooperativeId = uuidv7();
  const building = performance.now();
  let position = 0;
  let halfwayPosition = 0;
  let someone = '';
  for (let index = 1; index <= members; index += 1) {
    const memberId = uuidv7();
    someone ||= memberId;
    await keys.createKey(memberId);
    const personalData = await encryptFor(keys, memberId, {
      name: `Member ${String((index * 7919) % members).padStart(6, '0')}`,
      email: `member${index}@example.nl`,
      address: `Meentweg ${index}`,
      phone: null,
      language: null,
    });
    const metadata = (at: string) => {
      const eventId = uuidv7();
      return { eventId, cooperativeId, actor: { id: 'secretary', roles: ['member'] }, correlationId: eventId, causationId: null, occurredAt: at, schemaVersion: 1 };
    };
    const event = (type: string, data: Record<string, unknown>, at: string): EventToAppend => {
      const meta = metadata(at);
      return { id: meta.eventId, type, data: data as EventToAppend['data'], metadata: meta };
    };
    const registeredAt = minute(index * 2);
    const admittedAt = minute(index * 2 + 1);
    ({ position } = await store.append(
      `member-${memberId}`,
      [
        event('MemberRegistered', { memberId, cooperativeId, personalData, emailClaim: `claim-${index}`, channel: 'secretary', registeredAt }, registeredAt),
        event('MemberAdmitted', { memberId, admittedAt }, admittedAt),
      ],
      'no_stream',
    ));
    if (index === members / 2) halfwayPosition = position;
  }
  await projections.waitForPosition([register.name], position, 3_600_000);
  process.stdout.write(`${format(members)} members: recorded and projected in ${format((performance.now() - building) / 1000)} s\n`);

  const now = minute(members * 2 + 10);
  const halfway = minute(members);
  const query = <Result>(read: (reader: SqlExecutor, tables: RegisterTables) => Promise<Result>) =>
    projections.query(register, read);
  const whole = (asOf: string, asOfPosition?: number) =>
    query(async (reader, tables) => {
      let count = 0;
      const moment = { cooperativeId, asOf, ...(asOfPosition === undefined ? {} : { asOfPosition }) };
      for await (const entry of registerRows(reader, tables, moment)) if (entry.id) count += 1;
      return count;
    });
  // Where the member named halfway through the alphabet of this register stands in its order.
  const halfwayCursor = { nameless: 0 as const, sortName: `Member ${String(Math.floor(members / 2)).padStart(6, '0')}`, id: '' };
  const reads: Read[] = [
    { name: 'first page of 50, with total', perMember: false, run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, limit: 50, offset: 0 })) },
    {
      name: 'page after a cursor halfway',
      perMember: false,
      run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, limit: 50, offset: 0, after: halfwayCursor })),
    },
    { name: 'page at offset halfway', perMember: false, run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, limit: 50, offset: members / 2 })) },
    { name: 'first page as of halfway', perMember: false, run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: halfway, limit: 50, offset: 0 })) },
    {
      name: 'first page as recorded halfway',
      perMember: false,
      run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, asOfPosition: halfwayPosition, limit: 50, offset: 0 })),
    },
    { name: 'page of admitted members', perMember: false, run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, status: 'admitted', limit: 50, offset: 0 })) },
    { name: 'page found by a name', perMember: false, run: () => query((reader, tables) => registerPage(reader, tables, { cooperativeId, asOf: now, name: 'member 0012', limit: 50, offset: 0 })) },
    { name: 'counts by status', perMember: false, run: () => query((reader, tables) => statusCounts(reader, tables, { cooperativeId, asOf: now })) },
    {
      name: 'counts as recorded halfway',
      perMember: false,
      run: () => query((reader, tables) => statusCounts(reader, tables, { cooperativeId, asOf: now, asOfPosition: halfwayPosition })),
    },
    { name: 'one member', perMember: false, run: () => query((reader, tables) => registerEntry(reader, tables, cooperativeId, someone, now)) },
    { name: 'whole register (the CSV export)', perMember: true, run: () => whole(now) },
    { name: 'whole register as of halfway', perMember: true, run: () => whole(halfway) },
    { name: 'whole register as recorded halfway', perMember: true, run: () => whole(now, halfwayPosition) },
  ];
  return {
    reads,
    close: async () => {
      await projections.close();
      await readModels.close();
      await keys.close();
      await store.close();
    },
  };
}

const directories = SIZES.map(() => mkdtempSync(join(tmpdir(), 'meent-bench-')));
const results = new Map<number, Map<string, { ms: number; perMember: boolean }>>(SIZES.map((size) => [size, new Map()]));
try {
  const built: Built[] = [];
  for (const [index, size] of SIZES.entries()) built.push(await build(size, directories[index] ?? ''));
  for (const [readIndex, { name, perMember }] of (built[0]?.reads ?? []).entries()) {
    const medians = await interleavedMedians(
      perMember ? ROUNDS.perMember : ROUNDS.page,
      built.map((store) => () => store.reads[readIndex]?.run() ?? Promise.resolve()),
    );
    for (const [index, size] of SIZES.entries()) results.get(size)?.set(name, { ms: medians[index] ?? 0, perMember });
  }
  for (const store of built) await store.close();
} finally {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
}

const smallest = Math.min(...SIZES);
const largest = Math.max(...SIZES);
const growth = largest / smallest;
process.stdout.write(
  `\n${'read'.padEnd(34)}${SIZES.map((size) => `${format(size)} members`.padStart(18)).join('')}   growth ×${format(growth)} members\n`,
);
for (const [name, { perMember }] of results.get(smallest) ?? []) {
  const at = (size: number) => results.get(size)?.get(name)?.ms ?? 0;
  const ratio = perMember ? at(largest) / growth / at(smallest) : at(largest) / at(smallest);
  process.stdout.write(
    `${name.padEnd(34)}${SIZES.map((size) => `${format(at(size))} ms`.padStart(18)).join('')}   ${perMember ? 'per member' : 'time'} ×${ratio.toFixed(2)}\n`,
  );
}
