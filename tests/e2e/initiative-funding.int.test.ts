// Initiative funding over HTTP, reactions and all: an initiative above the board's mandate goes to the assembly,
// passes, is reserved, gains two partners who book what they bring, reports its results against an indicator's
// targets, receives two tranches, completes, and its remainder returns to the line; a second one is granted by the
// board but refused by the budget for lack of funds, and waits; the first is continued for a second year under a
// multi-year agreement, on that year's budget, and ended in the third.
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { admittedMember, command, foundCooperative, idsPageByPage, read, withTreasurerAndChair } from '../support/cooperative-fixture.js';
import { nextEvent } from '../support/events.js';
import { days, testServer } from '../support/test-server.js';

t.test('two initiatives, from application to the money', async (t) => {
  const server = await testServer(t);
  server.clock.set('2026-10-01T10:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const { cooperativeId, secretary } = cooperative;
  const base = `/cooperatives/${cooperativeId}`;
  const { treasurer, chair } = await withTreasurerAndChair(server, cooperative);
  const applicant = await admittedMember(server, cooperative, 'Ali Aanvrager', 'ali@example.nl');

  const events = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => events.close());
  const next = (type: string, after: number) => nextEvent(events, type, after);
  const everyoneVotes = async (motionId: string, ...voters: string[]) => {
    let position = 0;
    for (const voter of voters) {
      const cast = await command(server.app, voter, `${base}/motions/${motionId}/votes`, { choice: 'for' });
      // A refused vote has no position: the motion would wait for a vote that never came.
      if (cast.status !== 200) throw new Error(`a vote was refused (${cast.status}): ${JSON.stringify(cast.body)}`);
      position = cast.body.position;
    }
    return position;
  };
  const assemblyWith = async (motion: object) => {
    const convened = await command(server.app, secretary, `${base}/assemblies`, {
      title: 'Ledenvergadering',
      scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
      venue: { kind: 'online' },
    });
    const tabled = await command(server.app, secretary, `${base}/assemblies/${convened.body.id}/motions`, motion);
    t.equal(tabled.status, 201, JSON.stringify(tabled.body));
    await command(server.app, secretary, `${base}/motions/${tabled.body.id}/opening`);
    return tabled.body.id;
  };

  const budgetId = (await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027' })).body.id;
  const budget = `${base}/budgets/${budgetId}`;
  await command(server.app, treasurer.token, `${budget}/lines`, { code: '4100', name: 'Buurtinitiatieven', kind: 'expense', amountCents: 400_000 });
  await command(server.app, treasurer.token, `${budget}/submission`);
  const budgetMotion = await assemblyWith({
    title: 'Begroting 2027',
    text: 'De vergadering stelt de begroting vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  });
  const votedBudget = await everyoneVotes(budgetMotion, secretary, treasurer.token, chair.token, applicant.token);
  await next('BudgetAdopted', votedBudget);
  server.clock.set('2027-01-15T10:00:00.000Z');

  const apply = (requestedCents: number, tranches: number[], themes = ['meedoen', 'leren']) =>
    command(server.app, applicant.token, `${base}/initiatives`, {
      title: 'Buurtmoestuin',
      description: 'Een moestuin voor de hele buurt',
      requestedCents,
      budgetId,
      lineCode: '4100',
      tranches: tranches.map((amountCents, index) => ({ amountCents, milestone: `Mijlpaal ${index + 1}` })),
      themes,
    });
  const garden = await apply(300_000, [120_000, 120_000, 60_000]);
  t.equal(garden.status, 201);
  const initiative = `${base}/initiatives/${garden.body.id}`;

  t.test('above the mandate, the board cannot decide; the assembly does, without the applicant', async (t) => {
    const byBoard = await command(server.app, chair.token, `${initiative}/decision`, { approve: true, reason: 'Mooi plan' });
    t.match(byBoard, { status: 422, body: { code: 'INITIATIVE.ABOVE_BOARD_MANDATE', rule: 'boardMandateCents' } });
    const motionId = await assemblyWith({
      title: 'Subsidie buurtmoestuin',
      text: 'De vergadering kent € 3.000 toe aan de buurtmoestuin.',
      decisionType: 'funding-decision',
      subject: { kind: 'initiative', id: garden.body.id },
    });
    const motion = await read<{ recused: { memberId: string }[] }>(server.app, secretary, `${base}/motions/${motionId}?minPosition=${garden.body.position}`);
    t.same(motion.body.recused.map((recusal) => recusal.memberId), [applicant.id], 'the applicant is recused');
    const ownVote = await command(server.app, applicant.token, `${base}/motions/${motionId}/votes`, { choice: 'for' });
    t.match(ownVote, { status: 403, body: { code: 'MOTION.RECUSED' } });
    const voted = await everyoneVotes(motionId, secretary, treasurer.token, chair.token);
    const reserved = await next('InitiativeFundsReserved', voted);
    const view = await read(server.app, applicant.token, `${initiative}?minPosition=${reserved.position}`);
    t.match(view.body, { status: 'funded', money: { grantedCents: 300_000, reservedCents: 300_000, disbursedCents: 0 } });
  });

  t.test('partners bring what they agreed to the initiative, booked as they bring it', async (t) => {
    const college = await command(server.app, secretary, `${base}/partners`, { name: 'ROC Midden', kind: 'college' });
    const health = await command(server.app, chair.token, `${base}/partners`, { name: 'GGD Regio', kind: 'health-service' });
    t.equal(college.status, 201);
    t.equal((await command(server.app, applicant.token, `${base}/partners`, { name: 'Eigen club', kind: 'other' })).status, 403, 'officers register partners');
    const withCollege = await command(server.app, secretary, `${initiative}/partnerships`, {
      partnerId: college.body.id,
      offer: { role: 'jobcoach', hoursPerYear: 200, space: 'De werkplaats op woensdag' },
      from: '2027-01-15',
      until: '2027-12-31',
    });
    const withHealth = await command(server.app, secretary, `${initiative}/partnerships`, { partnerId: health.body.id, offer: { coFundingCents: 50_000 }, from: '2027-02-01' });
    t.equal(withCollege.status, 201, JSON.stringify(withCollege.body));
    t.equal(withHealth.status, 201, JSON.stringify(withHealth.body));
    const partnership = (partnershipId: string) => `${base}/partnerships/${partnershipId}`;
    for (const hours of [4, 3]) {
      t.equal((await command(server.app, secretary, `${partnership(withCollege.body.id)}/contributions`, { kind: 'hours', quantity: hours, description: 'Werkmiddag', on: '2027-01-20' })).status, 200);
    }
    t.equal((await command(server.app, secretary, `${partnership(withCollege.body.id)}/contributions`, { kind: 'space', description: 'De werkplaats', on: '2027-01-20' })).status, 200);
    const paidIn = await command(server.app, treasurer.token, `${partnership(withHealth.body.id)}/contributions`, { kind: 'co-funding', quantity: 50_000, description: 'Bijdrage preventie', on: '2027-02-03' });
    t.equal(paidIn.status, 200);
    t.match(await command(server.app, secretary, `${partnership(withHealth.body.id)}/contributions`, { kind: 'hours', quantity: 2, description: 'x', on: '2027-02-03' }), {
      status: 422,
      body: { code: 'PARTNERSHIP.NOT_OFFERED' },
    });
    t.match(await command(server.app, secretary, `${partnership(withCollege.body.id)}/contributions`, { kind: 'hours', quantity: 2, description: 'x', on: '2028-01-02' }), {
      status: 422,
      body: { code: 'PARTNERSHIP.OUTSIDE_PERIOD' },
    });
    const partners = await read<{ partners: { name: string; kind: string; totals: object }[] }>(server.app, applicant.token, `${base}/partners?minPosition=${paidIn.body.position}`);
    t.same(partners.body.partners, [
      { id: health.body.id, name: 'GGD Regio', kind: 'health-service', registeredAt: '2027-01-15T10:00:00.000Z', totals: { hours: 0, coFundingCents: 50_000, expertiseOccasions: 0, spaceOccasions: 0 } },
      { id: college.body.id, name: 'ROC Midden', kind: 'college', registeredAt: '2027-01-15T10:00:00.000Z', totals: { hours: 7, coFundingCents: 0, expertiseOccasions: 0, spaceOccasions: 1 } },
    ]);
    const onTheGarden = await read<{ partnerships: { partnerId: string; offer: { role: string | null }; contributions: unknown[] }[] }>(server.app, applicant.token, `${initiative}/partnerships`);
    t.same(onTheGarden.body.partnerships.map((entry) => [entry.partnerId, entry.offer.role, entry.contributions.length]), [
      [college.body.id, 'jobcoach', 3],
      [health.body.id, null, 1],
    ]);
    const other = await foundCooperative(server);
    t.match(await command(server.app, other.secretary, `/cooperatives/${other.cooperativeId}/partnerships/${withCollege.body.id}/ending`, { lastDay: '2027-06-30', reason: 'x' }), {
      status: 404,
      body: { errors: [{ in: 'path', field: 'partnershipId' }] },
    }, "another cooperative's partnership does not exist there");
  });

  t.test('what the garden achieves: an indicator against its targets, and who took part, counted', async (t) => {
    const defined = await command(server.app, applicant.token, `${initiative}/indicators`, {
      name: 'Bewoners die meedoen',
      unit: 'bewoners',
      theme: 'meedoen',
      baseline: { year: 2026, value: 12 },
      targets: [{ year: 2027, value: 40 }, { year: 2028, value: 60 }],
    });
    t.equal(defined.status, 200, JSON.stringify(defined.body));
    t.match(await command(server.app, applicant.token, `${initiative}/indicators`, { name: 'Banen', unit: 'mensen', theme: 'werken', baseline: { year: 2026, value: 0 } }), {
      status: 422,
      body: { code: 'INITIATIVE.UNKNOWN_THEME' },
    });
    const listed = await read<{ indicators: { indicatorId: string }[] }>(server.app, applicant.token, `${initiative}/results?minPosition=${defined.body.position}`);
    const indicatorId = listed.body.indicators[0]!.indicatorId;
    const report = (value: number, residentsReached: number) =>
      command(server.app, applicant.token, `${initiative}/progress-reports`, {
        year: 2027,
        actuals: [{ indicatorId, value }],
        participation: { residentsReached, volunteers: 6, volunteerHours: 120 },
      });
    t.equal((await report(31, 35)).status, 200);
    const later = await report(38, 41);
    t.equal(later.status, 200, 'a later report of the year replaces the earlier figures');
    t.equal((await command(server.app, treasurer.token, `${initiative}/progress-reports`, { year: 2027 })).status, 403, "the applicant's side reports");
    const results = await read(server.app, chair.token, `${initiative}/results?minPosition=${later.body.position}`);
    t.same(results.body, {
      indicators: [
        {
          indicatorId,
          name: 'Bewoners die meedoen',
          unit: 'bewoners',
          theme: 'meedoen',
          baseline: { year: 2026, value: 12 },
          periods: [
            { year: 2027, target: 40, actual: 38 },
            { year: 2028, target: 60, actual: null },
          ],
        },
      ],
      participation: [{ year: 2027, residentsReached: 41, volunteers: 6, volunteerHours: 120, intoWorkOrTraining: 0 }],
    });
  });

  t.test('two tranches, each approved by two officers, paid against the reservation', async (t) => {
    let position = 0;
    for (const tranche of [1, 2]) {
      const requested = await command(server.app, applicant.token, `${initiative}/tranches`, {
        progressReport: `Voortgang ${tranche}`,
        spentSoFarCents: (tranche - 1) * 120_000,
      });
      t.equal(requested.status, 200);
      t.equal((await command(server.app, applicant.token, `${initiative}/tranches/${tranche}/approval`)).status, 403, 'not the applicant');
      t.equal((await command(server.app, chair.token, `${initiative}/tranches/${tranche}/approval`)).status, 200);
      const second = await command(server.app, treasurer.token, `${initiative}/tranches/${tranche}/approval`);
      t.equal(second.status, 200);
      position = (await next('TrancheDisbursed', second.body.position)).position;
    }
    const completed = await command(server.app, applicant.token, `${initiative}/completion`, { finalReport: 'De tuin bloeit' });
    t.equal(completed.status, 200);
    const released = await next('ReservationReleased', Math.max(position, completed.body.position));
    t.match(released.data, { amountCents: 60_000, reference: { kind: 'initiative', id: garden.body.id } });
    const view = await read(server.app, applicant.token, `${initiative}?minPosition=${released.position}`);
    t.match(view.body, {
      status: 'completed',
      tranchesPaid: 2,
      money: { grantedCents: 300_000, reservedCents: 300_000, disbursedCents: 240_000, releasedCents: 60_000, remainingCents: 0 },
    });
    const actuals = await read<{ lines: { code: string; spentCents: number; reservedCents: number; availableCents: number }[] }>(
      server.app,
      treasurer.token,
      `${budget}?minPosition=${released.position}`,
    );
    t.match(actuals.body.lines[0], { code: '4100', spentCents: 240_000, reservedCents: 0, availableCents: 160_000 }, 'the remainder is back on the line');
  });

  t.test('a second initiative, granted by the board, is refused by the budget and waits', async (t) => {
    const second = await apply(200_000, [200_000], ['werken']);
    const decided = await command(server.app, chair.token, `${base}/initiatives/${second.body.id}/decision`, { approve: true, reason: 'Binnen mandaat' });
    t.equal(decided.status, 200);
    const waiting = await next('InitiativeAwaitingFunds', decided.body.position);
    t.match(waiting.data, { availableCents: 160_000 });
    const view = await read(server.app, chair.token, `${base}/initiatives/${second.body.id}?minPosition=${waiting.position}`);
    t.match(view.body, { status: 'awaiting-funds', money: { grantedCents: 200_000, reservedCents: 0 } });
    const pipeline = await read<{ initiatives: { id: string; status: string }[] }>(server.app, chair.token, `${base}/initiatives/pipeline`);
    t.same(pipeline.body.initiatives.map((entry) => [entry.id, entry.status]), [[second.body.id, 'awaiting-funds']]);
    const mine = await read<{ initiatives: { id: string; themes: string[] }[] }>(server.app, applicant.token, `${base}/initiatives?applicant=${applicant.id}`);
    t.equal(mine.body.initiatives.length, 2);
    const submitted = new Map(mine.body.initiatives.map((entry) => [entry.id, entry.themes]));
    t.same(submitted.get(garden.body.id), ['leren', 'meedoen'], 'a page shows each initiative with its own themes');
    t.same(submitted.get(second.body.id), ['werken']);
  });

  t.test('the initiatives as they stood at a position or on a date', async (t) => {
    type Listed = { initiatives: { id: string; status: string }[] };
    const atSubmission = await read<Listed>(server.app, treasurer.token, `${base}/initiatives?asOfPosition=${garden.body.position}`);
    t.same(atSubmission.body.initiatives.map((entry) => [entry.id, entry.status]), [[garden.body.id, 'submitted']], 'only the garden, not yet decided');
    const detail = await read<{ status: string; money: { grantedCents: number }; history: { position: number }[] }>(
      server.app,
      treasurer.token,
      `${initiative}?asOfPosition=${garden.body.position}`,
    );
    t.match(detail.body, { status: 'submitted', money: { grantedCents: 0 } });
    t.equal(detail.body.history.length, 1, 'its history up to that position');
    const now = await read<{ history: unknown[] }>(server.app, treasurer.token, initiative);
    t.ok(now.body.history.length > 5, 'now: the whole history');
    const dayBefore = await read<Listed>(server.app, treasurer.token, `${base}/initiatives?asOf=2027-01-14`);
    t.same(dayBefore.body.initiatives, [], 'nothing submitted by the end of 14 January');
    const unknown = await server.app.inject({ url: `${initiative}?asOfPosition=1`, headers: { authorization: `Bearer ${treasurer.token}` } });
    t.equal(unknown.statusCode, 404, 'an initiative not yet submitted at that position');
  });

  t.test('the list page by page with a cursor: each initiative once, in order, now and as of a position; a forged cursor is a 400', async (t) => {
    type Page = { initiatives: { id: string }[]; nextCursor: string | null };
    const walk = (query: string) => idsPageByPage(server.app, treasurer.token, `${base}/initiatives?limit=1&${query}`, 'initiatives');
    const whole = await read<Page>(server.app, treasurer.token, `${base}/initiatives`);
    t.ok(whole.body.initiatives.length >= 2);
    t.equal(whole.body.nextCursor, null, 'one page holds them all: no next');
    t.same(await walk(''), whole.body.initiatives.map((entry) => entry.id), 'the same initiatives, in the same order');
    const then = await read<Page>(server.app, treasurer.token, `${base}/initiatives?asOfPosition=${garden.body.position}`);
    t.same(await walk(`asOfPosition=${garden.body.position}`), then.body.initiatives.map((entry) => entry.id), 'and as they stood');
    const forged = await server.app.inject({
      url: `${base}/initiatives?after=${Buffer.from('["2027-01-15", "not an id"]').toString('base64url')}`,
      headers: { authorization: `Bearer ${treasurer.token}` },
    });
    t.match(forged.json(), { status: 400, code: 'VALIDATION', errors: [{ in: 'querystring', field: 'after' }] });
  });

  t.test('a multi-year agreement: the next year continued by the board on its own budget, the one after ended', async (t) => {
    const budget2028 = (await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2028, title: 'Begroting 2028' })).body.id;
    await command(server.app, treasurer.token, `${base}/budgets/${budget2028}/lines`, { code: '4100', name: 'Buurtinitiatieven', kind: 'expense', amountCents: 400_000 });
    await command(server.app, treasurer.token, `${base}/budgets/${budget2028}/submission`);
    const adoption = await assemblyWith({ title: 'Begroting 2028', text: 'De vergadering stelt de begroting vast.', decisionType: 'budget-adoption', subject: { kind: 'budget', id: budget2028 } });
    await next('BudgetAdopted', await everyoneVotes(adoption, secretary, treasurer.token, chair.token, applicant.token));
    server.clock.set('2028-01-05T10:00:00.000Z');
    // The tokens of 2026 have expired by now: the chair and the applicant sign in again.
    const chairToken = server.token(['member'], { subject: chair.id, cooperativeId });
    const applicantToken = server.token(['member'], { subject: applicant.id, cooperativeId });

    const terms = { firstYear: 2027, lastYear: 2029, yearlyCents: 200_000 };
    t.equal((await command(server.app, applicantToken, `${initiative}/funding-agreement`, terms)).status, 403, 'the board makes it');
    const made = await command(server.app, chairToken, `${initiative}/funding-agreement`, terms);
    t.equal(made.status, 201, JSON.stringify(made.body));
    const agreement = `${base}/funding-agreements/${made.body.id}`;
    const continued = await command(server.app, chairToken, `${agreement}/reviews`, {
      year: 2028,
      outcome: 'continued',
      reason: 'De tuin draait; de school doet mee',
      budgetId: budget2028,
      lineCode: '4100',
      tranches: [{ amountCents: 200_000, milestone: 'Heel 2028' }],
    });
    t.equal(continued.status, 200, JSON.stringify(continued.body));
    // Within the board's mandate the review grants the year at once, and the 2028 budget reserves it.
    const reserved = await next('InitiativeFundsReserved', continued.body.position);
    const view = await read<{ status: string; reviews: { year: number; outcome: string; grantInitiativeId: string | null }[] }>(
      server.app,
      applicantToken,
      `${agreement}?minPosition=${continued.body.position}`,
    );
    const grantId = view.body.reviews[0]?.grantInitiativeId;
    t.equal((reserved.data as { initiativeId: string }).initiativeId, grantId);
    const year2028 = await read(server.app, applicantToken, `${base}/initiatives/${grantId}?minPosition=${reserved.position}`);
    t.match(year2028.body, {
      title: 'Buurtmoestuin (2028)',
      status: 'funded',
      budgetId: budget2028,
      themes: ['leren', 'meedoen'],
      applicant: { kind: 'member', memberId: applicant.id },
      money: { grantedCents: 200_000, reservedCents: 200_000 },
    });

    const ended = await command(server.app, chairToken, `${agreement}/reviews`, { year: 2029, outcome: 'ended', reason: 'De tuin draait zelfstandig; de bewoners betalen de zaden zelf' });
    t.equal(ended.status, 200);
    const after = await read<{ status: string; reviews: { outcome: string }[] }>(server.app, applicantToken, `${agreement}?minPosition=${ended.body.position}`);
    t.match(after.body, { status: 'ended', reviews: [{ outcome: 'continued' }, { outcome: 'ended' }] });
    t.match(await command(server.app, chairToken, `${agreement}/reviews`, { year: 2030, outcome: 'ended', reason: 'x' }), { status: 409, body: { code: 'AGREEMENT.ENDED' } });
    // Two lines of work began in 2027 (the garden and the second initiative, granted though it waits for money); the
    // garden's is still funded in 2028, on money that all goes to a continuing line.
    const durability = await read(server.app, applicantToken, `${base}/durability?minPosition=${ended.body.position}`);
    t.same(durability.body, {
      cohorts: [{ year: 2027, lines: 2, stillActive: [{ after: 1, year: 2028, share: { lines: 1, of: 2, percent: 50 } }] }],
      funding: [
        { year: 2027, newCents: 500_000, continuingCents: 0, continuingShare: 0 },
        { year: 2028, newCents: 0, continuingCents: 200_000, continuingShare: 100 },
      ],
      socialEnterprises: [],
    });
  });
});
