// Participatory budgeting over HTTP, reactions and all: the assembly sets €6,000 of a budget line apart for a round,
// members propose, officers review, 30 members and a registered resident vote on secret approval ballots, the Method
// of Equal Shares decides — giving the 13 who want benches their project where greedy would give the 18 all three of
// theirs — the winners become funded initiatives with their money reserved and what they do not cost returns to the
// line, and the round's pabulib export recounts to the same outcome.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import { admittedMember, command, foundCooperative, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { bearer, days, testServer } from '../support/test-server.js';

t.test('a participatory budgeting round from the motion to the money', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const members: { id: string; token: string }[] = [];
  for (let index = 1; index <= 30; index += 1) {
    members.push(await admittedMember(server, cooperative, `Bewoner ${index}`, `bewoner${index}@example.nl`));
  }
  const events = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => events.close());
  const next = (type: string, after: number) => nextEvent(events, type, after);

  /** A motion voted for online by the three officers and closed at the meeting; answers where it ended. */
  const decidedMotion = async (motion: object) => {
    const scheduledAt = new Date(server.clock.now().getTime() + days(20));
    const convened = await command(server.app, secretary, `${base}/assemblies`, { title: 'Ledenvergadering', scheduledAt: scheduledAt.toISOString(), venue: { kind: 'online' } });
    const tabled = await command(server.app, secretary, `${base}/assemblies/${convened.body.id}/motions`, motion);
    t.equal(tabled.status, 201, JSON.stringify(tabled.body));
    await command(server.app, secretary, `${base}/motions/${tabled.body.id}/opening`);
    for (const voter of [secretary, treasurer.token, chair.token]) {
      t.equal((await command(server.app, voter, `${base}/motions/${tabled.body.id}/votes`, { choice: 'for' })).status, 200);
    }
    server.clock.set(new Date(scheduledAt.getTime() + 60_000).toISOString());
    t.equal((await command(server.app, secretary, `${base}/assemblies/${convened.body.id}/opening`)).status, 200);
    const closed = await command(server.app, secretary, `${base}/motions/${tabled.body.id}/closing`);
    t.equal(closed.status, 200, JSON.stringify(closed.body));
    return { motionId: tabled.body.id, position: closed.body.position };
  };

  const budgetId = (await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027' })).body.id;
  const budget = `${base}/budgets/${budgetId}`;
  await command(server.app, treasurer.token, `${budget}/lines`, { code: '4300', name: 'Buurtbudget', kind: 'expense', amountCents: 1_000_000 });
  await command(server.app, treasurer.token, `${budget}/submission`);
  const adoption = await decidedMotion({ title: 'Begroting 2027', text: 'De vergadering stelt de begroting vast.', decisionType: 'budget-adoption', subject: { kind: 'budget', id: budgetId } });
  await next('BudgetAdopted', adoption.position);
  server.clock.set('2027-01-15T10:00:00.000Z');

  const opening = await decidedMotion({
    title: 'Buurtbudget 2027',
    text: 'De vergadering zet € 6.000 van post 4300 apart; de buurt kiest met de Methode van Gelijke Delen.',
    decisionType: 'participatory-budget',
    subject: {
      kind: 'participatory-budget',
      title: 'Buurtbudget 2027',
      budgetId,
      lineCode: '4300',
      amountCents: 600_000,
      settings: { minApprovals: 1, maxApprovals: 3, ballot: 'secret', residentsVote: true },
    },
  });
  const roundId = opening.motionId;
  const round = `${base}/pb-rounds/${roundId}`;
  const funded = await next('PbRoundFundsReserved', opening.position);

  await t.test('the round opens on the motion, with its money reserved on the line', async (t) => {
    const view = await read(server.app, members[0]!.token, `${round}?minPosition=${funded.position}`);
    t.match(view.body, { title: 'Buurtbudget 2027', phase: 'proposals', funds: 'reserved', amountCents: 600_000, settings: { ballot: 'secret', minApprovals: 1, maxApprovals: 3, completion: 'add1' } });
    const actuals = await read<{ lines: { code: string; reservedCents: number; availableCents: number }[] }>(server.app, treasurer.token, `${budget}?minPosition=${funded.position}`);
    t.match(actuals.body.lines[0], { code: '4300', reservedCents: 600_000, availableCents: 400_000 });
    const other = await foundCooperative(server);
    const elsewhere = await read(server.app, other.secretary, `/cooperatives/${other.cooperativeId}/pb-rounds/${roundId}`);
    t.match(elsewhere, { status: 404, body: { errors: [{ in: 'path', field: 'roundId' }] } }, "another cooperative's round does not exist there");
  });

  const propose = (token: string, title: string, costCents: number, themes = ['meedoen']) =>
    command(server.app, token, `${round}/proposals`, {
      title,
      description: `${title} voor de buurt`,
      requestedCents: costCents,
      tranches: [{ amountCents: costCents, milestone: 'Klaar' }],
      themes,
    });
  const garden = await propose(members[0]!.token, 'Moestuin', 250_000);
  const mural = await propose(members[1]!.token, 'Muurschildering', 180_000, ['meedoen', 'werken']);
  const library = await propose(chair.token, 'Buurtbibliotheek', 120_000, ['leren', 'meedoen']);
  const benches = await propose(members[20]!.token, 'Bankjes', 100_000);
  const playground = await propose(members[21]!.token, 'Speeltuin', 300_000);
  for (const proposal of [garden, mural, library, benches, playground]) t.equal(proposal.status, 201, JSON.stringify(proposal.body));
  const ids = { garden: garden.body.id, mural: mural.body.id, library: library.body.id, benches: benches.body.id, playground: playground.body.id };
  const lastEntered = await next('PbProposalEntered', playground.body.position);

  await t.test('proposals close; officers review each, never their own', async (t) => {
    const closing = await command(server.app, secretary, `${round}/proposals/closing`);
    t.equal(closing.status, 200);
    t.match(await propose(members[2]!.token, 'Te laat', 10_000), { status: 409, body: { code: 'PB.WRONG_PHASE' } });
    const own = await command(server.app, chair.token, `${round}/proposals/${ids.library}/review`, { eligible: true, reason: 'Mijn eigen voorstel' });
    t.match(own, { status: 403, body: { code: 'PB.RECUSED' } });
    t.match(await command(server.app, members[3]!.token, `${round}/proposals/${ids.garden}/review`, { eligible: true, reason: 'x' }), { status: 403 });
    for (const [name, proposalId] of Object.entries(ids)) {
      const eligible = name !== 'playground';
      const reason = eligible ? 'Buurtbelang, uitvoerbaar binnen een jaar' : 'Kost de helft van de ronde; de gemeente gaat over speeltuinen';
      t.equal((await command(server.app, secretary, `${round}/proposals/${proposalId}/review`, { eligible, reason })).status, 200);
    }
    const view = await read<{ phase: string; proposals: { proposalId: string; review: { eligible: boolean } | null }[] }>(
      server.app,
      members[4]!.token,
      `${round}?minPosition=${lastEntered.position}`,
    );
    t.equal(view.body.proposals.length, 5);
  });

  const resident = await command(server.app, secretary, `${round}/residents`);
  const votingCode = (resident.body as unknown as { votingCode: string }).votingCode;
  const closesAt = new Date(server.clock.now().getTime() + days(14)).toISOString();
  const opened = await command(server.app, secretary, `${round}/voting/opening`, { closesAt });
  t.equal(opened.status, 200, JSON.stringify(opened.body));

  const ballot = (token: string, approvals: string[]) => command(server.app, token, `${round}/ballots`, { approvals });
  const residentBallot = (code: string, approvals: string[]) =>
    server.app.inject({ method: 'POST', url: `${round}/resident-ballots`, payload: { votingCode: code, approvals } });
  let lastBallot = 0;

  await t.test('30 members and a resident vote; a member changes their ballot; the roll and the ballot hold', async (t) => {
    // Eighteen want the garden, the mural and the library; twelve, and the resident, want benches.
    for (const member of members.slice(0, 18)) t.equal((await ballot(member.token, [ids.garden, ids.mural, ids.library])).status, 200);
    t.equal((await ballot(members[18]!.token, [ids.garden])).status, 200, 'a first ballot');
    for (const member of members.slice(18)) {
      const cast = await ballot(member.token, [ids.benches]);
      t.equal(cast.status, 200);
      lastBallot = cast.body.position;
    }
    const byResident = await residentBallot(votingCode, [ids.benches]);
    t.equal(byResident.statusCode, 200, byResident.body);
    lastBallot = Math.max(lastBallot, byResident.json().position);
    t.equal((await residentBallot('AAAA-BBBB-CCCC-DDDD', [ids.benches])).statusCode, 403, 'a made-up code');
    t.match(await ballot(members[0]!.token, [ids.playground]), { status: 422, body: { code: 'PB.NOT_ON_BALLOT' } });
    t.match(await ballot(members[0]!.token, [ids.garden, ids.mural, ids.library, ids.benches]), { status: 422, body: { code: 'PB.APPROVALS_OUT_OF_RANGE' } });
    const latecomer = await admittedMember(server, cooperative, 'Nieuw Lid', 'nieuw@example.nl');
    t.match(await ballot(latecomer.token, [ids.benches]), { status: 403, body: { code: 'PB.NOT_ON_ROLL' } }, 'admitted after the record date');
    const view = await read<{ voting: { ballots: number; rollSize: number; residents: number } }>(server.app, members[5]!.token, `${round}?minPosition=${lastBallot}`);
    t.match(view.body.voting, { ballots: 31, rollSize: 33, residents: 1 }, 'the changed ballot counts once; the officers are on the roll too');
    // Secret: no ballot in the log names a member.
    const cast = (await collect(events.readStream(`pb_round-${roundId}`))).filter((event) => event.type === 'PbBallotCast');
    const memberIds = new Set(members.map((member) => member.id));
    t.equal(cast.length, 32);
    t.notOk(cast.some((event) => memberIds.has((event.data as { voter: string }).voter)));
  });

  await t.test('voting closes at the end of its window and the Method of Equal Shares decides', async (t) => {
    t.match(await command(server.app, secretary, `${round}/voting/closing`), { status: 409, body: { code: 'PB.VOTING_STILL_OPEN' } });
    server.clock.set(closesAt);
    t.match(await ballot(members[0]!.token, [ids.garden]), { status: 409, body: { code: 'PB.VOTING_CLOSED' } });
    const closing = await command(server.app, chair.token, `${round}/voting/closing`);
    t.equal(closing.status, 200, JSON.stringify(closing.body));
    const view = await read<{ phase: string; result: Record<string, unknown> }>(server.app, members[6]!.token, `${round}?minPosition=${closing.body.position}`);
    t.equal(view.body.phase, 'decided');
    // €6,000 over 31 voters, each share raised (Add1) while the outcome fits. The library, the mural and the garden
    // have 18 supporters each and tie: the cheapest goes first, then the mural, after which the garden's supporters
    // hold €2,499.90 of its €2,500; the benches' 13 supporters fund them. Greedy would give the 18 all three.
    t.match(view.body.result, {
      rule: 'equalshares/add1',
      ballots: 31,
      selected: [
        { proposalId: ids.library, costCents: 120_000, byCompletion: false },
        { proposalId: ids.mural, costCents: 180_000, byCompletion: false },
        { proposalId: ids.benches, costCents: 100_000, byCompletion: false },
      ],
      spentCents: 400_000,
      rounds: [
        { round: 1, proposalId: ids.library, effectiveVotes: '18' },
        { round: 2, proposalId: ids.mural, effectiveVotes: '18' },
        { round: 3, proposalId: ids.benches, effectiveVotes: '13' },
      ],
      greedy: [ids.library, ids.mural, ids.garden],
    });
    const rejected = view.body.result.rejected as { proposalId: string; reason: { kind: string; beatenBy?: string } }[];
    t.match(rejected.find((entry) => entry.proposalId === ids.garden)?.reason, { kind: 'unaffordable', afterRound: 2, beatenBy: ids.mural });
    t.match(rejected.find((entry) => entry.proposalId === ids.playground)?.reason, { kind: 'ineligible' });
  });

  await t.test('the winners are funded initiatives with their money reserved; the rest of the round returns to the line', async (t) => {
    const decided = await next('PbRoundDecided', lastBallot);
    const released = await next('ReservationReleased', decided.position);
    t.match(released.data, { amountCents: 600_000, reference: { kind: 'pb-round', id: roundId } });
    let settled = decided.position;
    for (const winner of [ids.library, ids.mural, ids.benches]) settled = Math.max(settled, (await nextInitiativeEvent('InitiativeFundsReserved', winner, decided.position)).position);
    for (const loser of [ids.garden, ids.playground]) settled = Math.max(settled, (await nextInitiativeEvent('FundingRejected', loser, decided.position)).position);
    const mural = await read(server.app, members[1]!.token, `${base}/initiatives/${ids.mural}?minPosition=${Math.max(settled, released.position)}`);
    t.match(mural.body, { status: 'funded', money: { grantedCents: 180_000, reservedCents: 180_000 } });
    const garden = await read(server.app, members[0]!.token, `${base}/initiatives/${ids.garden}`);
    t.match(garden.body, { status: 'rejected' });
    const actuals = await read<{ lines: { code: string; reservedCents: number; availableCents: number }[] }>(server.app, treasurer.token, `${budget}?minPosition=${settled}`);
    t.match(actuals.body.lines[0], { code: '4300', reservedCents: 400_000, availableCents: 600_000 }, '€2,000 the winners do not cost is back');

    // Straight into the tranche process: the mural's proposer reports progress, two officers approve, it is paid.
    t.equal((await command(server.app, members[1]!.token, `${base}/initiatives/${ids.mural}/tranches`, { progressReport: 'Ontwerp klaar', spentSoFarCents: 0 })).status, 200);
    t.equal((await command(server.app, chair.token, `${base}/initiatives/${ids.mural}/tranches/1/approval`)).status, 200);
    const second = await command(server.app, treasurer.token, `${base}/initiatives/${ids.mural}/tranches/1/approval`);
    t.equal(second.status, 200);
    t.match((await next('TrancheDisbursed', second.body.position)).data, { initiativeId: ids.mural, amountCents: 180_000 });
  });

  await t.test('the round exported as a pabulib file recounts to the same outcome', async (t) => {
    const exported = await server.app.inject({ method: 'GET', url: `${round}/export.pb`, headers: bearer(members[7]!.token) });
    t.equal(exported.statusCode, 200);
    const file = exported.body;
    t.match(file, /^rule;equalshares\/add1$/m);
    t.match(file, /^budget;6000$/m);
    t.match(file, /^unit;Wijkcoöperatie De Meent U\.A\.$/m);
    t.match(file, new RegExp(`^${ids.mural};1800;18;Muurschildering;meedoen,werken;1$`, 'm'), 'a project with its votes, themes and selection');
    t.match(file, /^num_votes;31$/m);
    t.notOk(members.some((member) => file.includes(member.id)), 'no member id in the file');
    const recount = await server.app.inject({ method: 'POST', url: `${base}/pb-sandbox`, headers: bearer(members[8]!.token), payload: { pb: file } });
    t.equal(recount.statusCode, 200, recount.body);
    t.match(recount.json(), { selected: [ids.library, ids.mural, ids.benches], greedy: [ids.library, ids.mural, ids.garden], matchesPublished: true, voters: 31 });
    const unreadable = await server.app.inject({ method: 'POST', url: `${base}/pb-sandbox`, headers: bearer(members[8]!.token), payload: { pb: file.replace('budget;6000', 'budget;veel') } });
    t.match(unreadable.json(), { status: 422, code: 'PB.UNREADABLE_FILE', errors: [{ field: 'pb.META.budget' }] });
  });

  /** The next event of a type on one initiative's stream after a position. */
  async function nextInitiativeEvent(type: string, initiativeId: string, after: number) {
    for (;;) {
      const event = await next(type, after);
      if ((event.data as { initiativeId: string }).initiativeId === initiativeId) return event;
      after = event.position;
    }
  }
});
