// The members' web app in a real browser, on the public API only: members sign in with the code their mail brings,
// vote on an open and a secret motion, change a vote, grant a proxy; the holder votes for himself and for the one
// who granted it; the secretary runs and closes the meeting; everyone sees the decisions; the treasurer sees the
// budget against actuals. Every page is checked with axe-core and saved as a screenshot.
import t from 'tap';
import { admittedMember, command, conveneAssembly } from '../support/cooperative-fixture.js';
import { browserTest } from '../support/browser.js';
import { codeIn } from '../support/mail-server.js';
import { days, testServer } from '../support/test-server.js';
import { accepted, adoptedBudget, browserFor, forgetRefusedForm, motionCard, signIn, visitor, vote, webAppWorld } from '../support/web-app.js';

t.test('members vote, grant a proxy and see the decisions in the web app', async (t) => {
  const { mail, server, cooperative, cooperativeId, base, officers, anna, events } = await webAppWorld(t);
  const bart = await admittedMember(server, cooperative, 'Bart Bakker', 'bart@example.nl');

  // The budget of 2026, adopted by an earlier assembly, with income and an expense booked.
  const voters = [cooperative.secretary, officers.treasurer.token, officers.chair.token, anna.token, bart.token];
  const budgetId = await adoptedBudget(server, cooperative, officers.treasurer.token, voters, events);
  await accepted(command(server.app, officers.treasurer.token, `${base}/budgets/${budgetId}/income`, { lineCode: '8000', source: 'Gemeente Utrecht', amountCents: 750_000, receivedOn: '2026-03-01' }), 'income');
  await accepted(command(server.app, officers.treasurer.token, `${base}/budgets/${budgetId}/expenses`, { lineCode: '4100', payee: 'Buurthuis De Meent', amountCents: 32_550, invoiceReference: '2026-017', description: 'Zaalhuur' }), 'expense');

  // The assembly the members vote in: three motions, voting open online ahead of the meeting.
  const scheduledAt = new Date(server.clock.now().getTime() + days(20));
  const assemblyId = (await accepted(conveneAssembly(server, cooperative, { title: 'Voorjaarsvergadering', scheduledAt: scheduledAt.toISOString() }), 'assembly')).id;
  const motions = { garden: 'Buurtmoestuin', board: 'Kascommissie', lights: 'Lampen in het park' };
  for (const [title, ballot] of [[motions.garden, 'open'], [motions.board, 'secret'], [motions.lights, 'open']] as const) {
    const motionId = (await accepted(command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, { title, text: `De vergadering besluit: ${title.toLowerCase()}.`, ballot }), title)).id;
    await accepted(command(server.app, cooperative.secretary, `${base}/motions/${motionId}/opening`), `opening ${title}`);
  }

  await browserTest(t, 'in headless Chromium', async (t, executablePath) => {
    const { address, browser, problems } = await browserFor(t, server, executablePath);
    const assemblyPage = `${address}/app/${cooperativeId}/assemblies/${assemblyId}`;

    const annaVisits = await visitor(browser, problems);
    await signIn(t, annaVisits, mail, address, cooperativeId, 'anna@example.nl', 'member');
    const annaPage = annaVisits.page;
    const home = await annaPage.locator('main').textContent();
    t.match(home, anna.id, 'her member number, to give a proxy holder');
    t.match(home, /Statutaire naam\s*Wijkcoöperatie De Meent U\.A\./, 'her cooperative, by its registered name');
    t.match(home, 'Een vergadering wordt ten minste 14 dagen van tevoren bijeengeroepen.', 'and what its statutes tell her');
    await annaVisits.check(t, 'member-home');
    await annaPage.goto(assemblyPage);
    await annaVisits.check(t, 'member-assembly');
    await vote(annaPage, motions.garden, 'voor');
    t.match(await motionCard(annaPage, motions.garden).textContent(), 'U stemde voor.', 'her open vote, as she cast it');
    await vote(annaPage, motions.garden, 'tegen');
    t.match(await motionCard(annaPage, motions.garden).textContent(), 'U stemde tegen.', 'the changed vote is the one that counts');
    await vote(annaPage, motions.board, 'voor');
    const secret = await motionCard(annaPage, motions.board).textContent();
    t.match(secret, 'Uw stem is geteld.', 'on a secret motion: that her vote counted');
    t.notMatch(secret, /U stemde (voor|tegen)/, 'never how');
    await annaPage.getByLabel('Lidnummer van wie voor u stemt').fill(bart.id);
    await annaPage.getByRole('button', { name: 'Volmacht geven' }).click();
    await annaPage.getByText(`U gaf lid ${bart.id} een volmacht.`).waitFor();
    await annaVisits.check(t, 'member-voted-and-proxy');

    await t.test('a refusal is shown in her language next to the field it names', async (t) => {
      await annaPage.getByRole('button', { name: 'Volmacht intrekken' }).click();
      await annaPage.getByLabel('Lidnummer van wie voor u stemt').fill('niet-een-nummer');
      await annaPage.getByRole('button', { name: 'Volmacht geven' }).click();
      await annaPage.getByRole('alert').first().waitFor();
      t.match(await annaPage.getByRole('alert').first().textContent(), 'Deze invoer klopt niet.');
      const holderField = annaPage.getByLabel('Lidnummer van wie voor u stemt');
      t.equal(await holderField.getAttribute('aria-invalid'), 'true');
      t.match(await annaPage.locator(`#${await holderField.getAttribute('aria-describedby')}`).textContent(), 'Controleer Lidnummer van wie voor u stemt');
      await annaVisits.check(t, 'member-refused');
      await annaPage.getByLabel('Lidnummer van wie voor u stemt').fill(bart.id);
      await annaPage.getByRole('button', { name: 'Volmacht geven' }).click();
      await annaPage.getByText(`U gaf lid ${bart.id} een volmacht.`).waitFor();
      forgetRefusedForm(t, problems, `/app/${cooperativeId}/assemblies/${assemblyId}/proxy`);
    });

    await t.test('on a phone: nothing wider than the screen', async (t) => {
      const phone = await visitor(browser, problems, { width: 390, height: 844 });
      await phone.page.context().addCookies(await annaPage.context().cookies());
      for (const [name, path] of [['assembly', assemblyPage], ['home', `${address}/app/${cooperativeId}`]] as const) {
        await phone.page.goto(path);
        const overflow = Number(await phone.page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
        t.equal(overflow, 0, `the ${name} page fits 390 px`);
        await phone.check(t, `member-${name}-phone`);
      }
    });

    await t.test('in English on request', async (t) => {
      await annaPage.goto(`${assemblyPage}?lang=en`);
      t.equal(await annaPage.locator('html').getAttribute('lang'), 'en');
      t.match(await motionCard(annaPage, motions.garden).textContent(), 'You voted against.');
      await annaVisits.check(t, 'member-assembly-en');
      await annaPage.goto(`${assemblyPage}?lang=nl`);
    });

    const bartVisits = await visitor(browser, problems);
    await signIn(t, bartVisits, mail, address, cooperativeId, 'bart@example.nl');
    const bartPage = bartVisits.page;
    await bartPage.goto(assemblyPage);
    await vote(bartPage, motions.garden, 'voor');
    await vote(bartPage, motions.board, 'tegen');
    await vote(bartPage, motions.lights, 'voor');
    t.equal(await motionCard(bartPage, motions.lights).getByText(`Stem namens lid ${anna.id} (volmacht)`).count(), 1, 'the proxy he holds, on the motion Anna left to him');
    await vote(bartPage, motions.lights, 'voor', 1);
    await bartVisits.check(t, 'proxy-holder-voted');

    // The meeting: at its time, the secretary opens it, closes the voting on each motion, and closes it.
    server.clock.set(scheduledAt);
    const secretaryVisits = await visitor(browser, problems);
    await signIn(t, secretaryVisits, mail, address, cooperativeId, 'sanne@example.nl');
    const secretaryPage = secretaryVisits.page;
    await secretaryPage.goto(assemblyPage);
    await secretaryVisits.check(t, 'secretary-assembly');
    await secretaryPage.getByRole('button', { name: 'Vergadering openen' }).click();
    await secretaryPage.getByRole('button', { name: 'Vergadering sluiten' }).waitFor();
    await secretaryPage.getByLabel('Aanwezig: lidnummer').fill(bart.id);
    await secretaryPage.getByRole('button', { name: 'Aanwezigheid vastleggen' }).click();
    await secretaryPage.getByText('1 aanwezig').waitFor();
    t.pass('attendance recorded at the meeting');
    for (const title of Object.values(motions)) {
      await motionCard(secretaryPage, title).getByRole('button', { name: 'Stemming sluiten en besluit vastleggen' }).click();
      await motionCard(secretaryPage, title).getByRole('heading', { name: /^Besluit: / }).waitFor();
    }
    await secretaryPage.getByRole('button', { name: 'Vergadering sluiten' }).click();
    await secretaryPage.getByText('gesloten').first().waitFor();
    await secretaryVisits.check(t, 'secretary-closed');

    // Everyone sees the decisions: Anna's and Bart's sessions are older than their access tokens now, and renew.
    for (const [who, visiting] of [['Anna', annaVisits], ['Bart', bartVisits]] as const) {
      await visiting.page.goto(assemblyPage);
      t.match(await motionCard(visiting.page, motions.garden).textContent(), /Besluit: verworpen.*1 voor, 1 tegen, 0 onthouding/s, `${who} sees the garden decided: Anna's changed vote counted`);
      t.match(await motionCard(visiting.page, motions.board).textContent(), /Besluit: verworpen.*1 voor, 1 tegen, 0 onthouding/s, `${who} sees the secret ballot's tally`);
      t.match(await motionCard(visiting.page, motions.lights).textContent(), /Besluit: aangenomen.*2 voor, 0 tegen, 0 onthouding/s, `${who} sees the proxy's vote counted`);
    }
    t.match(
      await motionCard(annaPage, motions.garden).textContent(),
      'Toelichting: Verworpen, een gewone meerderheid niet gehaald: 1 voor, 1 tegen (0 onthouding, telt niet als uitgebrachte stem).',
      'the explanation in her language',
    );
    await annaVisits.check(t, 'member-decisions');

    const treasurerVisits = await visitor(browser, problems);
    await signIn(t, treasurerVisits, mail, address, cooperativeId, 'theo@example.nl');
    const treasurerPage = treasurerVisits.page;
    await treasurerPage.goto(`${address}/app/${cooperativeId}/budgets`);
    await treasurerVisits.check(t, 'treasurer-budgets');
    await treasurerPage.getByRole('link', { name: '2026: Begroting 2026' }).click();
    await treasurerPage.getByRole('heading', { name: 'Begroting 2026', level: 1 }).waitFor();
    const row = (name: string) => treasurerPage.getByRole('row', { name: new RegExp(name) });
    t.same(await row('Bijdrage gemeente').locator('td').allTextContents(), ['inkomsten', '€ 15.000,00', '€ 7.500,00', '€ 0,00', '€ 0,00', '€ 7.500,00']);
    t.same(await row('Buurtinitiatieven').locator('td').allTextContents(), ['uitgaven', '€ 12.000,00', '€ 0,00', '€ 325,50', '€ 0,00', '€ 11.674,50']);
    t.match(await treasurerPage.locator('main').textContent(), 'Kaspositie: € 7.500,00', 'the expense is booked, not yet paid');
    t.equal(await treasurerPage.locator('svg[role="img"] rect').count(), 4, 'budgeted and actual bars for both lines');
    await treasurerVisits.check(t, 'treasurer-budget');

    t.same(problems, [], 'no console errors or warnings on any page');

    await t.test('the app on a server of its own uses this Meent over HTTP', async (t) => {
      const appServer = await testServer(t, { environment: { MEENT_APP_API_URL: address } });
      const form = (body: Record<string, string>) => ({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
      const before = mail.received.length;
      const asked = await appServer.app.inject({ method: 'POST', url: `/app/${cooperativeId}/sign-in`, ...form({ email: 'bart@example.nl' }) });
      t.equal(asked.statusCode, 303);
      const message = await mail.waitFor((received) => received.to === 'bart@example.nl' && mail.received.indexOf(received) >= before && /\b\d{8}\b/.test(received.text), 'a code for Bart');
      const signedIn = await appServer.app.inject({ method: 'POST', url: `/app/${cooperativeId}/sign-in/code`, ...form({ email: 'bart@example.nl', code: codeIn(message) }) });
      t.equal(signedIn.statusCode, 303);
      const session = signedIn.cookies.find((cookie) => cookie.name === 'meent_session');
      t.ok(session?.httpOnly, 'the session is kept where scripts cannot read it');
      t.equal(session?.sameSite, 'Strict');
      const home = await appServer.app.inject({ method: 'GET', url: `/app/${cooperativeId}`, cookies: { meent_session: session?.value ?? '' } });
      t.equal(home.statusCode, 200);
      t.match(home.body, bart.id, 'his page, read from the other Meent');
      const forged = await appServer.app.inject({
        method: 'POST',
        url: `/app/${cooperativeId}/sign-out`,
        headers: { origin: 'https://elders.example' },
        cookies: { meent_session: session?.value ?? '' },
      });
      t.equal(forged.statusCode, 403, 'a form posted from another site is refused');
    });
  });
});
