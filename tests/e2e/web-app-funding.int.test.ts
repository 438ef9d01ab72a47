// Initiatives and the neighbourhood budget in the web app, in a real browser: a member applies for an initiative,
// the chair grants it, the money is reserved and she reports progress; in an open round of participatory budgeting
// she votes with an approval ballot, and a ballot outside the round's bounds is refused at its field.
import t from 'tap';
import { command } from '../support/cooperative-fixture.js';
import { browserTest } from '../support/browser.js';
import { nextEvent } from '../support/events.js';
import { days } from '../support/test-server.js';
import { accepted, adoptedBudget, browserFor, forgetRefusedForm, signIn, visitor, webAppWorld } from '../support/web-app.js';

t.test('initiatives and a participatory budget in the web app', async (t) => {
  const { mail, server, cooperative, cooperativeId, base, officers, anna, events } = await webAppWorld(t);
  const voters = [cooperative.secretary, officers.treasurer.token, officers.chair.token, anna.token];
  const budgetId = await adoptedBudget(server, cooperative, officers.treasurer.token, voters, events);

  // A round of € 3.000 on the initiatives line, opened by the assembly, with three proposals reviewed and voting open.
  const scheduledAt = new Date(server.clock.now().getTime() + days(20));
  const assemblyId = (await accepted(command(server.app, cooperative.secretary, `${base}/assemblies`, { title: 'Buurtbudgetvergadering', scheduledAt: scheduledAt.toISOString(), venue: { kind: 'online' } }), 'assembly')).id;
  const subject = { kind: 'participatory-budget', title: 'Buurtbudget 2026', budgetId, lineCode: '4100', amountCents: 300_000, settings: { minApprovals: 1, maxApprovals: 2, ballot: 'secret', residentsVote: false } };
  const roundId = (await accepted(command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, { title: 'Buurtbudget 2026', text: 'De buurt kiest.', decisionType: 'participatory-budget', subject }), 'round motion')).id;
  await accepted(command(server.app, cooperative.secretary, `${base}/motions/${roundId}/opening`), 'opening the motion');
  // Everyone on the roll votes for it, which decides it: the round opens and its money is reserved.
  let lastVote = 0;
  for (const voter of voters) lastVote = (await accepted(command(server.app, voter, `${base}/motions/${roundId}/votes`, { choice: 'for' }), 'round vote')).position;
  await nextEvent(events, 'PbRoundFundsReserved', lastVote);
  const round = `${base}/pb-rounds/${roundId}`;
  const proposalIds: string[] = [];
  for (const [title, costCents] of [['Moestuin', 150_000], ['Bankjes', 80_000], ['Muurschildering', 120_000]] as const) {
    const proposal = { title, description: `${title} voor de buurt`, requestedCents: costCents, tranches: [{ amountCents: costCents, milestone: 'Klaar' }], themes: ['meedoen'] };
    proposalIds.push((await accepted(command(server.app, officers.chair.token, `${round}/proposals`, proposal), title)).id);
  }
  await accepted(command(server.app, cooperative.secretary, `${round}/proposals/closing`), 'closing proposals');
  for (const proposalId of proposalIds) {
    await accepted(command(server.app, cooperative.secretary, `${round}/proposals/${proposalId}/review`, { eligible: true, reason: 'Uitvoerbaar' }), 'review');
  }
  await accepted(command(server.app, cooperative.secretary, `${round}/voting/opening`, { closesAt: new Date(server.clock.now().getTime() + days(14)).toISOString() }), 'voting');

  await browserTest(t, 'in headless Chromium', async (t, executablePath) => {
    const { address, browser, problems } = await browserFor(t, server, executablePath);

    const member = await visitor(browser, problems);
    await signIn(t, member, mail, address, cooperativeId, 'anna@example.nl');
    const page = member.page;
    await page.getByRole('link', { name: 'Initiatieven' }).click();
    await page.getByRole('heading', { name: 'Initiatieven', level: 1 }).waitFor();
    await page.getByLabel('Naam van het initiatief').fill('Taalcafé');
    await page.getByLabel('Wat gaat u doen, en voor wie?').fill('Elke week Nederlands oefenen met buren.');
    await page.getByLabel('Gevraagd bedrag in euro').fill('1.500');
    await page.getByLabel('Wanneer is het klaar? (mijlpaal)').fill('Na twaalf weken');
    await page.getByLabel('Begrotingspost').selectOption({ label: '2026 · 4100 Buurtinitiatieven' });
    await page.getByLabel('Leren').check();
    await member.check(t, 'member-initiative-form');
    await page.getByRole('button', { name: 'Aanvragen' }).click();
    await page.getByRole('heading', { name: 'Taalcafé', level: 1 }).waitFor();
    t.match(await page.locator('main dl').textContent(), /ingediend.*buurtinitiatief.*Leren.*€ 1\.500,00/s);
    await member.check(t, 'member-initiative');
    const initiativePage = page.url();

    const chair = await visitor(browser, problems);
    await signIn(t, chair, mail, address, cooperativeId, 'clara@example.nl');
    await chair.page.goto(initiativePage);
    await chair.page.getByLabel('Toekennen').check();
    await chair.page.getByLabel('Reden').fill('Past bij leren in de wijk');
    await chair.check(t, 'chair-initiative-decision');
    await chair.page.getByRole('button', { name: 'Besluit vastleggen' }).click();
    await chair.page.getByText(/^(toegekend|gefinancierd)$/).waitFor();

    // The reservation is a reaction: once its event is in the log, the page read at its position shows it.
    const reserved = await nextEvent(events, 'InitiativeFundsReserved', 0);
    await page.goto(`${initiativePage}?at=${reserved.position}`);
    t.equal(await page.getByText('gefinancierd', { exact: true }).count(), 1, 'granted and funded');
    await page.getByLabel('Wat is er gedaan?').fill('Zes bijeenkomsten, gemiddeld tien deelnemers.');
    await page.getByLabel('Tot nu toe uitgegeven, in euro').fill('1.500,00');
    await page.getByRole('button', { name: 'Voortgang melden' }).click();
    await page.getByRole('heading', { name: 'Verloop' }).waitFor();
    t.ok((await page.locator('main ul li').count()) >= 3, 'submitted, decided, reserved and reported: the course of it');
    await member.check(t, 'member-initiative-reported');

    await page.getByRole('link', { name: 'Buurtbegroting' }).click();
    await page.getByRole('link', { name: 'Buurtbudget 2026' }).click();
    await page.getByRole('heading', { name: 'Buurtbudget 2026', level: 1 }).waitFor();
    await member.check(t, 'member-pb-ballot');
    for (const title of ['Moestuin', 'Bankjes', 'Muurschildering']) await page.getByRole('checkbox', { name: new RegExp(`^${title} `) }).check();
    await page.getByRole('button', { name: 'Stem uitbrengen' }).click();
    await page.getByRole('alert').first().waitFor();
    t.match(await page.getByRole('alert').first().textContent(), 'Kies niet minder en niet meer voorstellen dan de ronde toestaat.', 'three approvals where two are the most: refused in Dutch');
    forgetRefusedForm(t, problems, `/app/${cooperativeId}/pb-rounds/${roundId}/ballots`);
    await page.getByRole('checkbox', { name: /^Muurschildering / }).uncheck();
    await page.getByRole('button', { name: 'Stem uitbrengen' }).click();
    await page.getByText('Uw stem is ontvangen.', { exact: false }).waitFor();
    await member.check(t, 'member-pb-voted');

    t.same(problems, [], 'no console errors or warnings on any page');
  });
});
