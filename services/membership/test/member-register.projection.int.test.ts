import t, { type Test } from 'tap';
import {
  CommandHandler,
  EventRegistry,
  Projections,
  SqliteKeyStore,
  type CommandContext,
  serviceRuntime,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { createMembership, cooperativeRulesSchema, type CooperativeRules } from '@meent/membership';
import { MembershipCommands } from '../src/application/member.js';
import { cooperativeDecider, cooperativeStream } from '../src/domain/cooperative.decider.js';
import { memberAggregate, type MemberCommand } from '../src/domain/member.decider.js';
import { registerPage, registerRows, spanOf, statusCounts, type MemberRegisterProjection } from '../src/projections/member-register.projection.js';

const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const ids = {
  anna: '0193a6f0-0000-7000-8000-00000000000a',
  bram: '0193a6f0-0000-7000-8000-00000000000b',
  cato: '0193a6f0-0000-7000-8000-00000000000c',
  dirk: '0193a6f0-0000-7000-8000-00000000000d',
};
type Name = keyof typeof ids;

/**
 * The membership context on fresh SQLite stores, its projections running; `on(day)` is a command of the secretary's on
 * that day, the clock set to its morning.
 */
async function membershipOnFreshStores(t: Test) {
  const { store, readModels, directory } = temporaryStores(t);
  const keys = new SqliteKeyStore({ path: `${directory}/events.db` });
  t.teardown(() => keys.close());
  const membership = createMembership({ keys });
  const register = membership.projections[1] as MemberRegisterProjection;
  const registry = new EventRegistry(membership.events);
  const projections = await Projections.start({ store, readModels, registry, projections: membership.projections });
  t.teardown(() => projections.close());
  const commands = new CommandHandler({ store, registry });
  let today = new Date();
  const runtime = serviceRuntime({ commands, projections, clock: () => today, newId: () => '', readWaitMs: 5000 });
  const on = (day: string): CommandContext => {
    today = new Date(`${day}T09:00:00.000Z`);
    return { cooperativeId, actor: { id: 'secretary', roles: ['member'] }, correlationId: `on-${day}`, occurredAt: today };
  };
  return { store, keys, register, projections, commands, runtime, on };
}

/**
 * Each status's members at the moment, counted from the periods themselves — as recorded now, or up to a position:
 * what the kept counts must equal.
 */
function periodsCounted(projections: Projections, register: MemberRegisterProjection, asOf: string, asOfPosition?: number) {
  const recorded =
    asOfPosition === undefined
      ? { condition: 'superseded_position IS NULL', parameters: [] }
      : { condition: 'recorded_position <= ? AND (superseded_position IS NULL OR superseded_position > ?)', parameters: [asOfPosition, asOfPosition] };
  return projections.query(register, async (reader, tables) => {
    const rows = await reader.all<{ status: string; count: number }>(
      `SELECT status, count(*) AS count FROM ${tables.periods}
       WHERE cooperative_id = ? AND ${recorded.condition} AND from_at <= ? AND (to_at IS NULL OR to_at > ?) GROUP BY status`,
      [cooperativeId, ...recorded.parameters, asOf, asOf],
    );
    return { applied: 0, admitted: 0, suspended: 0, rejected: 0, terminated: 0, ...Object.fromEntries(rows.map((row) => [row.status, row.count])) };
  });
}

/** The member expelled on the day, with a month to appeal. */
const expulsionOn = (day: string, rules: CooperativeRules): MemberCommand => ({
  type: 'TerminateMembership',
  kind: 'expelled',
  reason: 'acted against the cooperative',
  effectiveAt: null,
  resignation: rules,
  expulsionAppealMonths: 1,
  now: new Date(`${day}T09:00:00Z`),
});

t.test('the register as of any date, across suspension, reinstatement, termination and erasure', async (t) => {
  const { keys, register, projections, commands, runtime, on } = await membershipOnFreshStores(t);
  const members = new MembershipCommands(runtime, keys);
  let position = 0;
  const track = async (result: Promise<{ position: number }>) => {
    position = (await result).position;
  };

  await track(
    commands.handle(
      cooperativeStream(cooperativeId),
      cooperativeDecider,
      { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules: cooperativeRulesSchema.parse({}), now: new Date('2026-01-01') },
      on('2026-01-01'),
    ),
  );
  for (const name of Object.keys(ids) as Name[]) {
    const personalData = { name: name[0]?.toUpperCase() + name.slice(1), email: `${name}@example.nl`, address: null, phone: null, language: null };
    await track(members.register(cooperativeId, ids[name], personalData, 'secretary', on('2026-01-10')));
  }
  const transition = (name: Name, day: string, command: MemberCommand) =>
    track(runtime.aggregate(memberAggregate).handle(on(day), ids[name], () => command));
  for (const name of ['anna', 'bram', 'cato'] as const) await transition(name, '2026-01-20', { type: 'AdmitMember', now: new Date('2026-01-20T09:00:00Z') });
  const beforeSuspension = position;
  await transition('bram', '2026-02-10', { type: 'SuspendMember', reason: 'unpaid contribution', now: new Date('2026-02-10T09:00:00Z') });
  await transition('bram', '2026-03-10', { type: 'ReinstateMember', now: new Date('2026-03-10T09:00:00Z') });
  const beforeExpulsion = position;
  await transition('cato', '2026-04-01', {
    type: 'TerminateMembership',
    kind: 'expelled',
    reason: 'acted against the cooperative',
    effectiveAt: null,
    resignation: cooperativeRulesSchema.parse({}),
    expulsionAppealMonths: 1,
    now: new Date('2026-04-01T09:00:00Z'),
  });
  const expulsionRecorded = position;
  await transition('dirk', '2026-05-01', { type: 'RejectApplication', reason: 'lives elsewhere', now: new Date('2026-05-01T09:00:00Z') });
  await projections.waitForPosition([register.name], position, 5000);

  const asOfDate = async (date: string) => {
    const page = await projections.query(register, (reader, tables) =>
      registerPage(reader, tables, { cooperativeId, asOf: `${date}T23:59:59.999Z`, limit: 50, offset: 0 }),
    );
    return Object.fromEntries(page.members.map((member) => [member.name ?? member.id, member.status]));
  };
  const recordedBy = async (asOfPosition: number, date: string) => {
    const page = await projections.query(register, (reader, tables) =>
      registerPage(reader, tables, { cooperativeId, asOf: `${date}T23:59:59.999Z`, asOfPosition, limit: 50, offset: 0 }),
    );
    return Object.fromEntries(page.members.map((member) => [member.name ?? member.id, member.status]));
  };
  t.same(await recordedBy(beforeSuspension, '2026-02-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'admitted', Dirk: 'applied' }, 'before the suspension was recorded');
  t.same(await recordedBy(beforeExpulsion, '2026-05-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'admitted', Dirk: 'applied' }, 'before the expulsion was recorded, May knew none');
  t.same(await recordedBy(expulsionRecorded, '2026-05-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'terminated', Dirk: 'applied' }, 'once recorded, it counts from the end of its appeal term');
  t.same(await recordedBy(expulsionRecorded, '2026-04-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'suspended', Dirk: 'applied' });
  t.same(await recordedBy(position, '2026-05-15'), await asOfDate('2026-05-15'), 'as recorded up to the head: the register as it is');

  t.same(await asOfDate('2026-01-05'), {}, 'before anyone registered');
  t.same(await asOfDate('2026-01-15'), { Anna: 'applied', Bram: 'applied', Cato: 'applied', Dirk: 'applied' });
  t.same(await asOfDate('2026-02-15'), { Anna: 'admitted', Bram: 'suspended', Cato: 'admitted', Dirk: 'applied' });
  t.same(await asOfDate('2026-03-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'admitted', Dirk: 'applied' });
  t.same(await asOfDate('2026-04-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'suspended', Dirk: 'applied' }, 'suspended while the appeal term runs (BW 2:35 lid 4)');
  t.same(await asOfDate('2026-05-15'), { Anna: 'admitted', Bram: 'admitted', Cato: 'terminated', Dirk: 'rejected' });
  const filtered = await projections.query(register, (reader, tables) =>
    registerPage(reader, tables, { cooperativeId, asOf: '2026-02-15T23:59:59.999Z', status: 'admitted', name: 'AT', limit: 50, offset: 0 }),
  );
  t.same(filtered.members.map((member) => member.name), ['Cato'], 'filtered by status and by part of a name, any case');
  const countsInFebruary = () =>
    projections.query(register, (reader, tables) => statusCounts(reader, tables, { cooperativeId, asOf: '2026-02-15T23:59:59.999Z' }));
  const february = await countsInFebruary();
  t.same(february, { applied: 1, admitted: 2, suspended: 1, rejected: 0, terminated: 0 });

  await track(members.erase(ids.cato, on('2026-06-01')));
  await projections.waitForPosition([register.name], position, 5000);
  t.same(await asOfDate('2026-02-15'), { Anna: 'admitted', Bram: 'suspended', [ids.cato]: 'admitted', Dirk: 'applied' }, 'the erased member keeps their place, without their name');
  t.same(await countsInFebruary(), february, 'counts of the past are unchanged by an erasure');
  // The counts kept as periods open and close, corrected by those dated after the moment, against the periods counted.
  const counted = (asOf: string, asOfPosition?: number) => periodsCounted(projections, register, asOf, asOfPosition);
  for (const day of ['2026-01-05', '2026-01-10', '2026-01-15', '2026-02-15', '2026-03-15', '2026-04-15', '2026-05-15', '2027-01-01']) {
    for (const asOf of [`${day}T00:00:00.000Z`, `${day}T23:59:59.999Z`]) {
      t.same(await projections.query(register, (reader, tables) => statusCounts(reader, tables, { cooperativeId, asOf })), await counted(asOf), `counts as of ${asOf}`);
    }
  }
  const inFebruary = { cooperativeId, asOf: '2026-02-15T23:59:59.999Z' };
  const wholeRegister = await projections.query(register, async (reader, tables) => {
    const entries: string[] = [];
    // A member a page: every page after the first starts after the last one read, the nameless last.
    for await (const entry of registerRows(reader, tables, inFebruary, 1)) entries.push(entry.id);
    return entries;
  });
  const onePage = await projections.query(register, (reader, tables) => registerPage(reader, tables, { ...inFebruary, limit: 50, offset: 0 }));
  t.same(wholeRegister, onePage.members.map((member) => member.id), 'the whole register, read a member at a time, in the order of a page');
  t.equal(wholeRegister.at(-1), ids.cato, 'the erased member, without a name, last');

  await projections.replay(register.name);
  t.equal((await projections.replayFinished(register.name))?.status, 'completed');
  t.same(await asOfDate('2026-05-15'), { Anna: 'admitted', Bram: 'admitted', [ids.cato]: 'terminated', Dirk: 'rejected' }, 'a rebuild cannot bring the erased member back');
  t.same(await countsInFebruary(), february);
});

/**
 * A cooperative founded on 1 January and one member registered on 10 January; `transition` records a change of
 * theirs and answers its position; `kept` and `counted` are the register's counts at a moment, kept and from the periods.
 */
async function oneMemberFromJanuary(t: Test, name: string, memberId: string) {
  const { store, keys, register, projections, commands, runtime, on } = await membershipOnFreshStores(t);
  const rules = cooperativeRulesSchema.parse({});
  await commands.handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules, now: new Date('2026-01-01') },
    on('2026-01-01'),
  );
  const personalData = { name, email: `${name.toLowerCase()}@example.nl`, address: null, phone: null, language: null };
  await new MembershipCommands(runtime, keys).register(cooperativeId, memberId, personalData, 'secretary', on('2026-01-10'));
  const transition = async (day: string, command: MemberCommand) =>
    (await runtime.aggregate(memberAggregate).handle(on(day), memberId, () => command)).position;
  const counted = (asOf: string, asOfPosition?: number) => periodsCounted(projections, register, asOf, asOfPosition);
  const kept = (asOf: string, asOfPosition?: number) =>
    projections.query(register, (reader, tables) => statusCounts(reader, tables, { cooperativeId, asOf, ...(asOfPosition === undefined ? {} : { asOfPosition }) }));
  return { store, register, projections, rules, transition, kept, counted };
}

t.test('the kept counts through an expulsion appealed and confirmed: each moment as the periods count it', async (t) => {
  const { register, projections, rules, transition, kept, counted } = await oneMemberFromJanuary(t, 'Cato', ids.cato);
  await transition('2026-01-20', { type: 'AdmitMember', now: new Date('2026-01-20T09:00:00Z') });
  await transition('2026-04-01', expulsionOn('2026-04-01', rules));
  const appealed = await transition('2026-04-10', { type: 'AppealExpulsion', now: new Date('2026-04-10T09:00:00Z') });
  const position = await transition('2026-06-01', {
    type: 'RecordAppealDecision',
    motionId: '0193a6f0-0000-7000-8000-0000000000ff',
    round: 1,
    confirmed: true,
    now: new Date('2026-06-01T09:00:00Z'),
  });
  await projections.waitForPosition([register.name], position, 5000);
  t.ok(appealed < position);
  t.same(await kept('2026-05-15T00:00:00.000Z'), { applied: 0, admitted: 0, suspended: 1, rejected: 0, terminated: 0 }, 'suspended while the assembly decides');
  const days = ['2026-01-15', '2026-02-01', '2026-04-05', '2026-05-15', '2026-06-01', '2026-07-01', '2027-01-01'].map((day) => `${day}T12:00:00.000Z`);
  const asApplied = [];
  for (const asOf of days) {
    const counts = await kept(asOf);
    t.same(counts, await counted(asOf), `as of ${asOf}`);
    asApplied.push(counts);
  }
  const periods = () =>
    projections.query(register, (reader, tables) =>
      reader.all(`SELECT status, from_at, to_at, recorded_position, superseded_position FROM ${tables.periods} ORDER BY recorded_position, from_at, status`),
    );
  const periodsBeforeReplay = await periods();
  // A rebuild applies the member's whole history in one batch: the appeal meets the expulsion's periods still held back.
  await projections.replay(register.name);
  t.equal((await projections.replayFinished(register.name))?.status, 'completed');
  const rebuilt = [];
  for (const asOf of days) rebuilt.push(await kept(asOf));
  t.same(rebuilt, asApplied, 'rebuilt, the same counts at every moment');
  t.same(await periods(), periodsBeforeReplay, 'rebuilt, the same periods, superseded where they were');
});

t.test('the kept counts through a termination dated before the period it ends began: each moment as the periods count it', async (t) => {
  const { register, projections, rules, transition, kept, counted } = await oneMemberFromJanuary(t, 'Dirk', ids.dirk);
  await transition('2026-03-01', { type: 'AdmitMember', now: new Date('2026-03-01T09:00:00Z') });
  // Recorded in March, the death was on 1 February: before the admission the register shows.
  const position = await transition('2026-03-20', {
    type: 'TerminateMembership',
    kind: 'deceased',
    reason: 'deceased',
    effectiveAt: '2026-02-01T00:00:00.000Z',
    resignation: rules,
    expulsionAppealMonths: 1,
    now: new Date('2026-03-20T09:00:00Z'),
  });
  await projections.waitForPosition([register.name], position, 5000);
  for (const day of ['2026-01-15', '2026-02-01', '2026-02-15', '2026-03-01', '2026-03-10', '2026-03-20', '2026-04-01']) {
    for (const asOf of [`${day}T00:00:00.000Z`, `${day}T12:00:00.000Z`]) t.same(await kept(asOf), await counted(asOf), `as of ${asOf}`);
  }
});

t.test('the counts as recorded up to each position: each moment as the periods recorded by then count it', async (t) => {
  const { store, register, projections, rules, transition, kept, counted } = await oneMemberFromJanuary(t, 'Bram', ids.bram);
  // Past position 2,048 a span of positions holds 32, and ten events of another cooperative's between each change and
  // the next put them in spans of their own and together in one: the counts of a position's own span come from the
  // periods, those of the spans before it from the counts kept.
  let padded = 0;
  const pad = async (events: number) => {
    const padding = Array.from({ length: events }, () => {
      padded += 1;
      return { id: `0193a6f0-0000-7000-8000-${String(padded).padStart(12, '0')}`, type: 'Padding', data: {}, metadata: { cooperativeId: 'elsewhere' } };
    });
    await store.append('padding', padding, 'any');
  };
  await pad(2100);
  const padded10 = async (position: Promise<number>) => {
    const recorded = await position;
    await pad(10);
    return recorded;
  };
  const positions = [
    await padded10(transition('2026-01-20', { type: 'AdmitMember', now: new Date('2026-01-20T09:00:00Z') })),
    await padded10(transition('2026-04-01', expulsionOn('2026-04-01', rules))),
    await padded10(transition('2026-04-10', { type: 'AppealExpulsion', now: new Date('2026-04-10T09:00:00Z') })),
    await padded10(
      transition('2026-06-01', {
        type: 'RecordAppealDecision',
        motionId: '0193a6f0-0000-7000-8000-0000000000ff',
        round: 1,
        confirmed: false,
        now: new Date('2026-06-01T09:00:00Z'),
      }),
    ),
    // Recorded in September, the death was in May: a backdated change the register as recorded in June does not show.
    await transition('2026-09-20', {
      type: 'TerminateMembership',
      kind: 'deceased',
      reason: 'deceased',
      effectiveAt: '2026-05-01T00:00:00.000Z',
      resignation: rules,
      expulsionAppealMonths: 1,
      now: new Date('2026-09-20T09:00:00Z'),
    }),
  ];
  await projections.waitForPosition([register.name], positions.at(-1)!, 5000);
  const spans = new Set(positions.map(spanOf));
  t.ok(spans.size > 1 && spans.size < positions.length, 'the changes are in spans of their own and share one');
  t.same(await kept('2026-07-01T12:00:00.000Z', positions[3]!), { applied: 0, admitted: 1, suspended: 0, rejected: 0, terminated: 0 }, 'admitted again, as recorded in June');
  t.same(await kept('2026-07-01T12:00:00.000Z'), { applied: 0, admitted: 0, suspended: 0, rejected: 0, terminated: 1 }, 'deceased since May, as recorded now');
  for (let position = positions[0]! - 1; position <= positions.at(-1)! + 1; position += 1) {
    for (const day of ['2026-01-15', '2026-01-20', '2026-04-05', '2026-05-01', '2026-05-15', '2026-06-01', '2026-07-01', '2027-01-01']) {
      for (const asOf of [`${day}T00:00:00.000Z`, `${day}T12:00:00.000Z`]) {
        t.same(await kept(asOf, position), await counted(asOf, position), `as of ${asOf}, recorded up to ${position}`);
      }
    }
  }
});

t.test('found by part of a name: any case, in any script, its % and _ as they are; a changed name is found by the new one, an erased one not at all', async (t) => {
  const { keys, register, projections, commands, runtime, on } = await membershipOnFreshStores(t);
  const members = new MembershipCommands(runtime, keys);
  await commands.handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules: cooperativeRulesSchema.parse({}), now: new Date('2026-01-01') },
    on('2026-01-01'),
  );
  const names = { anna: 'Anna de Vries', bram: 'Bram Janssen', cato: 'Özlem Yılmaz', dirk: 'Jan_Pieter 100%' };
  for (const [member, name] of Object.entries(names) as [Name, string][]) {
    await members.register(cooperativeId, ids[member], { name, email: `${member}@example.nl`, address: null, phone: null, language: null }, 'secretary', on('2026-01-10'));
  }
  await members.changeDetails(cooperativeId, ids.bram, { name: 'Bram Jansen' }, on('2026-01-11'));
  await runtime.aggregate(memberAggregate).handle(on('2026-01-12'), ids.anna, () => ({
    type: 'RejectApplication',
    reason: 'lives elsewhere',
    now: new Date('2026-01-12T09:00:00Z'),
  }));
  const { position } = await members.erase(ids.anna, on('2026-01-12'));
  await projections.waitForPosition([register.name], position, 5000);
  const found = async (name: string) => {
    const page = await projections.query(register, (reader, tables) =>
      registerPage(reader, tables, { cooperativeId, asOf: '2026-02-01T00:00:00.000Z', name, limit: 50, offset: 0 }),
    );
    t.equal(page.total, page.members.length, `${name}: the total counts what the page shows`);
    return page.members.map((member) => member.name);
  };
  t.same(await found('jans'), ['Bram Jansen'], 'by the name as it is now');
  t.same(await found('janss'), [], 'not by the name it had');
  t.same(await found('ÖZLEM'), ['Özlem Yılmaz'], 'any case, beyond ASCII');
  t.same(await found('yıl'), ['Özlem Yılmaz']);
  t.same(await found('n_p'), ['Jan_Pieter 100%'], 'an underscore is an underscore');
  t.same(await found('n%p'), [], 'and a percent sign a percent sign');
  t.same(await found('100%'), ['Jan_Pieter 100%']);
  t.same(await found('vries'), [], 'an erased name is found no more');
  const fragments = await projections.query(register, (reader, tables) =>
    reader.all<{ gram: string }>(`SELECT gram FROM ${tables.grams} WHERE member_id = ? OR gram = 'nss'`, [ids.anna]),
  );
  t.same(fragments, [], 'nor is any part of it kept, nor of a name changed since');
  t.same(await found('an'), ['Bram Jansen', 'Jan_Pieter 100%'], 'a part too short for three letters is matched against every name');
  t.same(await found('xyz'), [], 'three letters no name holds');
});
