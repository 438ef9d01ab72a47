import t from 'tap';
import { EventRegistry, Projections, SqliteKeyStore, type DomainEvent } from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import {
  CooperativeFounded,
  MemberAdmitted,
  MemberRegistered,
  MemberReinstated,
  MemberSuspended,
  MemberTerminated,
  cooperativeRulesSchema,
} from '@meent/membership';
import { createVoting } from '@meent/voting';
import { eligibleAt, rulesOf, votingRegisterProjection } from '../src/projections/voting-register.projection.js';
import { cooperativeId, voter } from './voting.fixture.js';

const day = (date: string) => `${date}T12:00:00.000Z`;

t.test('who could vote at any moment, from membership events alone', async (t) => {
  const { store, readModels, directory } = temporaryStores(t);
  const keys = new SqliteKeyStore({ path: `${directory}/events.db` });
  t.teardown(() => keys.close());
  const voting = createVoting({ keys });
  const registry = new EventRegistry([
    CooperativeFounded,
    MemberRegistered,
    MemberAdmitted,
    MemberSuspended,
    MemberReinstated,
    MemberTerminated,
    ...voting.events,
  ]);
  const projections = await Projections.start({ store, readModels, registry, projections: voting.projections });
  t.teardown(() => projections.close());
  let sequence = 0;
  const append = async (stream: string, ...events: DomainEvent[]) => {
    const encoded = events.map((event) =>
      registry.encode(event, {
        eventId: `0193a6f0-0000-7000-9000-${String((sequence += 1)).padStart(12, '0')}`,
        cooperativeId,
        actor: { id: 'secretary', roles: ['member'] },
        correlationId: 'test',
        causationId: null,
        occurredAt: day('2026-01-01'),
      }),
    );
    return (await store.append(stream, encoded, 'any')).position;
  };
  const rules = cooperativeRulesSchema.parse({ noticeDays: 21 });
  await append(`cooperative-${cooperativeId}`, CooperativeFounded({ cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules, foundedAt: day('2026-01-01') }));
  const envelope = { algorithm: 'aes-256-gcm' as const, subject: 's', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };
  const join = async (n: number, admittedOn: string) =>
    append(
      `member-${voter(n)}`,
      MemberRegistered({ memberId: voter(n), cooperativeId, personalData: envelope, emailClaim: `c${n}`, channel: 'secretary', registeredAt: day('2026-01-01') }),
      MemberAdmitted({ memberId: voter(n), admittedAt: day(admittedOn) }),
    );
  await join(1, '2026-01-02');
  await join(2, '2026-02-15');
  await join(3, '2026-01-02');
  await append(`member-${voter(3)}`, MemberSuspended({ memberId: voter(3), reason: 'contributie', suspendedAt: day('2026-02-01') }));
  await append(`member-${voter(3)}`, MemberReinstated({ memberId: voter(3), reinstatedAt: day('2026-03-01') }));
  await join(4, '2026-01-02');
  await append(
    `member-${voter(4)}`,
    MemberTerminated({ memberId: voter(4), kind: 'resigned', reason: null, effectiveAt: day('2026-12-31'), terminatedAt: day('2026-02-01') }),
  );
  // Admitted, then terminated as of a day before: the period ends where it began, and member 5 never could vote.
  await join(5, '2026-03-01');
  const last = await append(
    `member-${voter(5)}`,
    MemberTerminated({ memberId: voter(5), kind: 'resigned', reason: null, effectiveAt: day('2026-02-01'), terminatedAt: day('2026-03-02') }),
  );
  t.ok(await projections.waitForPosition([votingRegisterProjection.name], last, 5000));

  const rollOn = (date: string) =>
    projections.query(votingRegisterProjection, async (reader, tables) =>
      (await eligibleAt(reader, tables, cooperativeId, day(date))).map((entry) => entry.memberId),
    );
  t.same(await rollOn('2026-01-10'), [voter(1), voter(3), voter(4)], 'before member 2 was admitted');
  t.same(await rollOn('2026-02-20'), [voter(1), voter(2), voter(4)], 'member 3 suspended, member 2 admitted');
  t.same(await rollOn('2026-03-10'), [voter(1), voter(2), voter(3), voter(4)], 'member 3 reinstated; 4 resigns at year end');
  t.same(await rollOn('2027-01-01'), [voter(1), voter(2), voter(3)], 'the resignation took effect');
  const found = await projections.query(votingRegisterProjection, (reader, tables) => rulesOf(reader, tables, cooperativeId));
  t.equal(found?.rules.noticeDays, 21);
  t.equal(found?.version, 1);

  // A rebuild applies the whole log in one batch, holding each member's periods back until it ends.
  const periods = () =>
    projections.query(votingRegisterProjection, (reader, tables) =>
      reader.all<{ member_id: string; from_at: string; to_at: string | null }>(
        `SELECT member_id, cooperative_id, from_at, to_at FROM ${tables.eligibility} ORDER BY member_id, from_at`,
      ),
    );
  const applied = await periods();
  t.equal(applied.length, 6, "member 3's two periods and one each for the others");
  await projections.replay(votingRegisterProjection.name);
  t.equal((await projections.replayFinished(votingRegisterProjection.name))?.status, 'completed');
  const rebuilt = await periods();
  t.same(rebuilt, applied, 'rebuilt, the same periods, each closed where it was');
  t.match(
    rebuilt.filter((period) => period.member_id === voter(5)),
    [{ from_at: day('2026-03-01'), to_at: day('2026-03-01') }],
    "member 5's period ends where it began",
  );
  t.same(await rollOn('2026-02-20'), [voter(1), voter(2), voter(4)]);
});
