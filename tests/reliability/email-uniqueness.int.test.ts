import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { v7 as uuidv7 } from 'uuid';
import { command, foundCooperative } from '../support/cooperative-fixture.js';
import { testServer } from '../support/test-server.js';

t.test('two registrations with one e-mail address at the same moment: exactly one succeeds, every time', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const url = `/cooperatives/${cooperative.cooperativeId}/members`;
  const rounds = 40;
  let exactlyOne = 0;
  for (let round = 0; round < rounds; round += 1) {
    const email = `twin-${round}@example.nl`;
    const outcomes = await Promise.all([
      command(server.app, cooperative.secretary, url, { name: `First ${round}`, email }),
      command(server.app, cooperative.secretary, url, { name: `Second ${round}`, email: email.toUpperCase() }),
    ]);
    const statuses = outcomes.map((outcome) => outcome.status).sort();
    const refused = outcomes.find((outcome) => outcome.status === 409);
    if (statuses[0] === 201 && statuses[1] === 409 && refused?.body.code === 'MEMBER.EMAIL_TAKEN') exactlyOne += 1;
    else t.fail(`round ${round}: ${statuses.join(' and ')}`);
  }
  t.equal(exactlyOne, rounds, `${rounds} rounds, one registration each`);
});

t.test('one person applying twice at the same moment with two addresses: one application, and the other address free', async (t) => {
  const server = await testServer(t);
  const cooperative = await foundCooperative(server);
  const url = `/cooperatives/${cooperative.cooperativeId}/members`;
  const rounds = 20;
  let raced = 0;
  for (let round = 0; round < rounds; round += 1) {
    const applicant = server.token(['member'], { subject: uuidv7(), cooperativeId: cooperative.cooperativeId });
    const addresses = [`first-${round}@example.nl`, `second-${round}@example.nl`];
    const outcomes = await Promise.all(addresses.map((email) => command(server.app, applicant, url, { name: `Aanvrager ${round}`, email })));
    const statuses = outcomes.map((outcome) => outcome.status);
    t.equal(statuses.filter((status) => status === 201).length, 1, `round ${round}: one application (${statuses.join(', ')})`);
    // Refused by the register when both were decided on the same state (a race), else by access: by then the
    // caller is an applicant, who applies no more.
    const refused = outcomes.findIndex((outcome) => outcome.status !== 201);
    t.ok([403, 409].includes(statuses[refused] ?? 0), `round ${round}: the other refused`);
    if (statuses[refused] === 409) raced += 1;
    const reused = await command(server.app, cooperative.secretary, url, { name: `Ander ${round}`, email: addresses[refused] ?? '' });
    t.equal(reused.status, 201, `round ${round}: the refused application left its address free`);
  }
  // Each application the register refused had claimed its address first, and gave the claim back.
  const store = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => store.close());
  const released = await collect(store.readAll({ filter: { eventTypes: ['EmailClaimReleased'] } }));
  t.equal(released.length, raced, `one claim given back per application refused in a race (${raced} of ${rounds})`);
  t.ok(raced > 0, 'the race happened');
});
