// BW 2:35 lid 4 over HTTP: the board expels a member with its reasons; the member is suspended meanwhile, appeals to the
// general assembly within the statutes' term, and the assembly's decision ends it — here by not confirming the
// expulsion, which restores the member. A member who lets the term run out is gone when it ends.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { admittedMember, command, conveneAssembly, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { days, testServer } from '../support/test-server.js';

t.test('an expulsion appealed to the assembly, and one left unappealed', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-03-02T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const anna = await admittedMember(server, cooperative, 'Anna Beroep', 'anna@example.nl');
  const bram = await admittedMember(server, cooperative, 'Bram Berust', 'bram@example.nl');
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());

  const dated = await command(server.app, secretary, `${base}/members/${anna.id}/termination`, { kind: 'expelled', reason: 'Schade', effectiveDate: '2026-04-01' });
  t.match(dated, { status: 422, body: { code: 'MEMBER.EXPULSION_DATE_BY_LAW', rule: 'BW 2:35 lid 4' } });
  const expelled = await command(server.app, secretary, `${base}/members/${anna.id}/termination`, {
    kind: 'expelled',
    reason: 'Herhaaldelijk de huisregels van het buurthuis overtreden',
  });
  t.equal(expelled.status, 200);

  t.test('suspended while the appeal term runs: no member rights, sight of the rules kept', async (t) => {
    t.match(await command(server.app, anna.token, `${base}/assembly-requests`, { subject: 'x' }), { status: 403, body: { code: 'FORBIDDEN' } });
    t.equal((await read(server.app, anna.token, base)).status, 200);
    const record = await read<{ status: string }>(server.app, secretary, `${base}/members/${anna.id}?minPosition=${expelled.body.position}`);
    t.equal(record.body.status, 'suspended');
  });

  t.test('the member appeals, and the assembly does not confirm the expulsion: the member is restored', async (t) => {
    const appealed = await command(server.app, anna.token, `${base}/members/${anna.id}/appeal`);
    t.equal(appealed.status, 200);
    t.match(await command(server.app, anna.token, `${base}/members/${anna.id}/appeal`), { status: 409, body: { code: 'MEMBER.ALREADY_APPEALED' } });
    t.match(await command(server.app, anna.token, `${base}/members/${bram.id}/appeal`), { status: 403 }, 'nobody else’s');
    const assembly = await conveneAssembly(server, cooperative);
    const motion = await command(server.app, secretary, `${base}/assemblies/${assembly.body.id}/motions`, {
      title: 'Beroep van Anna Beroep tegen haar royement',
      text: 'De vergadering bevestigt het royement.',
      decisionType: 'expulsion-appeal',
      subject: { kind: 'member', id: anna.id },
    });
    t.equal(motion.status, 201);
    await command(server.app, secretary, `${base}/motions/${motion.body.id}/opening`);
    const suspendedVote = await command(server.app, anna.token, `${base}/motions/${motion.body.id}/votes`, { choice: 'against' });
    t.equal(suspendedVote.status, 403, 'the member appealing has no vote: suspended and off the roll');
    let position = 0;
    for (const voter of [secretary, treasurer.token, chair.token, bram.token]) {
      position = (await command(server.app, voter, `${base}/motions/${motion.body.id}/votes`, { choice: 'against' })).body.position;
    }
    const annulled = await nextEvent(store, 'ExpulsionAnnulled', position);
    const record = await read<{ status: string }>(server.app, secretary, `${base}/members/${anna.id}?minPosition=${annulled.position}`);
    t.equal(record.body.status, 'admitted');
    t.equal((await command(server.app, anna.token, `${base}/assembly-requests`, { subject: 'Een gesprek over de huisregels' })).status, 201);
  });

  t.test('unappealed, the expulsion takes effect when the term ends', async (t) => {
    const expelledBram = await command(server.app, secretary, `${base}/members/${bram.id}/termination`, { kind: 'expelled', reason: 'Contributie niet betaald' });
    t.equal(expelledBram.status, 200);
    server.clock.set(new Date(server.clock.now().getTime() + days(32)).toISOString());
    const late = await command(server.app, secretary, `${base}/members/${bram.id}/appeal`);
    t.match(late, { status: 422, body: { code: 'MEMBER.APPEAL_TERM_PASSED', rule: 'BW 2:35 lid 4 expulsionAppealMonths' } });
    const record = await read<{ status: string }>(server.app, secretary, `${base}/members/${bram.id}?minPosition=${expelledBram.body.position}`);
    t.equal(record.body.status, 'terminated');
  });
});
