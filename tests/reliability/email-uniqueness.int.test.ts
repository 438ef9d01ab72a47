import t from 'tap';
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
