// Benchmark (not a test): 10,000 members registered and admitted, then the current register and the register as
// of a date halfway through, as the API reads them: a page with its total, and the whole register.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import {
  CommandHandler,
  EventRegistry,
  Projections,
  SqliteKeyStore,
  SqliteReadModelStore,
  serviceRuntime,
  type CommandContext,
} from '@meent/eventsourcing';
import { cooperativeRulesSchema, createMembership } from '@meent/membership';
import { v7 as uuidv7 } from 'uuid';
import { MembershipCommands } from '../../services/membership/src/application/member.js';
import { cooperativeDecider, cooperativeStream } from '../../services/membership/src/domain/cooperative.decider.js';
import { memberAggregate } from '../../services/membership/src/domain/member.decider.js';
import {
  registerPage,
  registerRows,
  type MemberRegisterProjection,
} from '../../services/membership/src/projections/member-register.projection.js';
import { median } from './measure.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const directory = mkdtempSync(join(tmpdir(), 'meent-bench-'));
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 2 });

try {
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  const keys = new SqliteKeyStore({ path: join(directory, 'events.db') });
  const readModels = new SqliteReadModelStore({ path: join(directory, 'read-models.db') });
  const membership = createMembership({ keys });
  const register = membership.projections.find((projection) => projection.name === 'member_register') as MemberRegisterProjection;
  const registry = new EventRegistry(membership.events);
  const projections = await Projections.start({ store, readModels, registry, projections: membership.projections });
  const commands = new CommandHandler({ store, registry });
  let clockTime = new Date();
  const runtime = serviceRuntime({ commands, projections, clock: () => clockTime, newId: uuidv7, readWaitMs: 60_000 });
  const members = new MembershipCommands(runtime, keys);

  const cooperativeId = uuidv7();
  const start = Date.parse('2020-01-01T00:00:00.000Z');
  /** The secretary's command at this minute of the run: the clock is set to it. */
  const at = (minute: number): CommandContext => {
    clockTime = new Date(start + minute * 60_000);
    return { cooperativeId, actor: { id: 'secretary', roles: ['member'] }, correlationId: uuidv7(), occurredAt: clockTime };
  };
  await commands.handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'Benchmark', chamberOfCommerceNumber: null, rules: cooperativeRulesSchema.parse({}), now: new Date(start) },
    at(0),
  );
  const writing = performance.now();
  let position = 0;
  for (let index = 1; index <= MEMBERS; index += 1) {
    const memberId = uuidv7();
    const personalData = { name: `Member ${String(index).padStart(5, '0')}`, email: `member${index}@example.nl`, address: `Meentweg ${index}`, phone: null, language: null };
    await members.register(cooperativeId, memberId, personalData, 'secretary', at(index * 2));
    ({ position } = await runtime.aggregate(memberAggregate).handle(at(index * 2 + 1), memberId, (_member, admittedAt) => ({ type: 'AdmitMember', now: admittedAt })));
  }
  const written = performance.now() - writing;
  await projections.waitForPosition([register.name], position, 600_000);
  const projected = performance.now() - writing;
  process.stdout.write(
    `${format(MEMBERS)} members registered and admitted in ${format(written / 1000)} s (${format((MEMBERS * 1000) / written)} members/s); register projected after ${format(projected / 1000)} s\n`,
  );

  const now = new Date(start + (MEMBERS * 2 + 10) * 60_000).toISOString();
  const halfway = new Date(start + MEMBERS * 60_000).toISOString();
  const page = (asOf: string) =>
    projections.query(register, (reader, tables) => registerPage(reader, tables, { cooperativeId, asOf, limit: 50, offset: 0 }));
  const whole = (asOf: string) =>
    projections.query(register, async (reader, tables) => {
      let count = 0;
      for await (const entry of registerRows(reader, tables, { cooperativeId, asOf })) if (entry.id) count += 1;
      return count;
    });
  process.stdout.write(`current register: ${(await page(now)).total} members; as of ${halfway}: ${(await page(halfway)).total} members\n`);
  const rows: [string, number, number][] = [
    ['first page of 50, with total', await median(9, () => page(now)), await median(9, () => page(halfway))],
    ['whole register', await median(5, () => whole(now)), await median(5, () => whole(halfway))],
  ];
  for (const [name, current, asOf] of rows) {
    process.stdout.write(
      `${name.padEnd(30)} current ${format(current).padStart(8)} ms   as of halfway ${format(asOf).padStart(8)} ms   ratio ${(asOf / current).toFixed(2)}\n`,
    );
  }
  await projections.close();
  await readModels.close();
  await keys.close();
  await store.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
