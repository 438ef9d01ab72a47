// The web app for those who keep the records, in a real browser: the secretary registers and admits a member,
// finds her by name and convenes an assembly; the treasurer books income and an expense above the four-eyes threshold, which the chair
// approves; a refused amount is named beside its field; the history shows the verification to an officer and a
// member their own; an agenda item's impact report opens with the member's session.
import t from 'tap';
import { command, conveneAssembly } from '../support/cooperative-fixture.js';
import { browserTest } from '../support/browser.js';
import { accepted, adoptedBudget, browserFor, forgetRefusedForm, signIn, visitor, webAppWorld } from '../support/web-app.js';

t.test('the register, the books and the history in the web app', async (t) => {
  const { mail, server, cooperative, cooperativeId, base, officers, anna, events } = await webAppWorld(t);
  const budgetId = await adoptedBudget(server, cooperative, officers.treasurer.token, [cooperative.secretary, officers.treasurer.token, officers.chair.token, anna.token], events);
  const assemblyId = (await accepted(conveneAssembly(server, cooperative, { title: 'Jaarvergadering' }), 'assembly')).id;
  await accepted(command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/agenda`, { title: 'Jaarverslag maatschappelijke impact', document: { kind: 'impact-report', year: 2026 } }), 'agenda');

  await browserTest(t, 'in headless Chromium', async (t, executablePath) => {
    const { address, browser, problems } = await browserFor(t, server, executablePath);

    const secretary = await visitor(browser, problems);
    await signIn(t, secretary, mail, address, cooperativeId, 'sanne@example.nl');
    const page = secretary.page;
    await page.getByRole('link', { name: 'Ledenregister' }).click();
    await page.getByRole('heading', { name: 'Ledenregister', level: 1 }).waitFor();
    await page.getByLabel('Naam', { exact: true }).fill('Femke Nieuw');
    await page.getByLabel('E-mailadres', { exact: true }).fill('femke@example.nl');
    await page.getByLabel('Adres', { exact: true }).fill('Meentweg 12, Utrecht');
    await page.getByRole('button', { name: 'Inschrijven' }).click();
    const femke = page.getByRole('row', { name: /Femke Nieuw/ });
    t.match(await femke.textContent(), 'aangemeld', 'registered: an applicant');
    await secretary.check(t, 'secretary-register');
    await femke.getByRole('button', { name: 'Femke Nieuw toelaten' }).click();
    await page.getByRole('row', { name: /Femke Nieuw/ }).getByText('lid', { exact: true }).waitFor();
    t.equal(await page.getByRole('button', { name: 'Femke Nieuw toelaten' }).count(), 0, 'admitted: nothing left to admit');
    await page.getByLabel('Zoek op naam').fill('femk');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('1 ingeschreven').waitFor();
    t.same(await page.locator('tbody th').allTextContents(), ['Femke Nieuw'], 'found by a part of her name');

    await page.getByRole('link', { name: 'Vergaderingen' }).click();
    await page.getByLabel('Titel').fill('Najaarsvergadering');
    await page.getByLabel('Datum en tijd').fill('2026-04-20T19:30');
    await page.getByLabel('Adres (leeg: online)').fill('Buurthuis, Meentweg 3');
    await secretary.check(t, 'secretary-convene');
    await page.getByRole('button', { name: 'Bijeenroepen' }).click();
    await page.getByRole('heading', { name: 'Najaarsvergadering', level: 1 }).waitFor();
    t.match(await page.locator('main > p').first().textContent(), '20 april 2026 om 19:30 · Buurthuis, Meentweg 3 · bijeengeroepen', 'convened for the time typed, in Amsterdam');

    const treasurer = await visitor(browser, problems);
    await signIn(t, treasurer, mail, address, cooperativeId, 'theo@example.nl');
    const books = treasurer.page;
    const budgetPage = `${address}/app/${cooperativeId}/budgets/${budgetId}`;
    await books.goto(budgetPage);
    const income = books.locator('form', { has: books.getByLabel('Van wie') });
    await income.getByLabel('Van wie').fill('Gemeente Utrecht');
    await income.getByLabel('Bedrag in euro (bijv. 1.234,56)').fill('1.234,56');
    await income.getByLabel('Ontvangen op').fill('2026-03-01');
    await income.getByRole('button', { name: 'Boeken' }).click();
    await books.getByRole('row', { name: /Bijdrage gemeente/ }).getByText('€ 1.234,56').first().waitFor();
    t.same(await books.getByRole('row', { name: /8000 Bijdrage gemeente/ }).first().locator('td').allTextContents(), ['inkomsten', '€ 15.000,00', '€ 1.234,56', '€ 0,00', '€ 0,00', '€ 13.765,44']);

    const expense = books.locator('form', { has: books.getByLabel('Aan wie') });
    await expense.getByLabel('Aan wie').fill('Buurthuis De Meent');
    await expense.getByLabel('Bedrag in euro (bijv. 1.234,56)').fill('12,345');
    await expense.getByLabel('Factuurnummer').fill('2026-031');
    await expense.getByLabel('Omschrijving').fill('Zaalhuur voorjaar');
    await expense.getByRole('button', { name: 'Boeken' }).click();
    const amountField = books.locator('form', { has: books.getByLabel('Aan wie') }).getByLabel('Bedrag in euro (bijv. 1.234,56)');
    await books.getByRole('alert').first().waitFor();
    t.equal(await amountField.getAttribute('aria-invalid'), 'true', 'an amount with three decimals is named at its field');
    forgetRefusedForm(t, problems, `/app/${cooperativeId}/budgets/${budgetId}/expenses`);
    await treasurer.check(t, 'treasurer-refused-amount');
    await amountField.fill('750,00');
    await books.locator('form', { has: books.getByLabel('Aan wie') }).getByRole('button', { name: 'Boeken' }).click();
    await books.getByRole('heading', { name: 'Wacht op goedkeuring (vier ogen)' }).waitFor();
    await treasurer.check(t, 'treasurer-budget-bookings');

    const chair = await visitor(browser, problems);
    await signIn(t, chair, mail, address, cooperativeId, 'clara@example.nl');
    await chair.page.goto(budgetPage);
    t.equal(await chair.page.getByLabel('Aan wie').count(), 0, 'the chair books nothing');
    await chair.page.getByRole('button', { name: /^Goedkeuren: Buurthuis De Meent, 2026-031: Zaalhuur voorjaar$/ }).click();
    await chair.page.getByRole('row', { name: /4100 Buurtinitiatieven/ }).first().getByText('€ 750,00').waitFor();
    t.same(await chair.page.getByRole('row', { name: /4100 Buurtinitiatieven/ }).first().locator('td').allTextContents(), ['uitgaven', '€ 12.000,00', '€ 0,00', '€ 750,00', '€ 0,00', '€ 11.250,00'], 'approved by a second officer: booked');
    await chair.check(t, 'chair-approved');

    await books.getByRole('link', { name: 'Geschiedenis' }).click();
    await books.getByText(/^Gecontroleerd: \d+ gebeurtenissen in \d+ reeksen en 0 zegels; elke schakel klopt\.$/).waitFor();
    t.ok(await books.getByRole('cell', { name: 'ExpenseBooked' }).count() >= 1, 'the bookings are in the history');
    await treasurer.check(t, 'treasurer-history');

    const member = await visitor(browser, problems);
    await signIn(t, member, mail, address, cooperativeId, 'anna@example.nl');
    t.equal(await member.page.getByRole('link', { name: 'Ledenregister' }).count(), 0, 'a member has no register in her navigation');
    await member.page.getByRole('link', { name: 'Geschiedenis' }).click();
    await member.page.getByRole('heading', { name: 'Geschiedenis', level: 1 }).waitFor();
    const streams = new Set(await member.page.locator('tbody tr td:nth-child(4)').allTextContents());
    t.same([...streams], [`member-${anna.id}`], 'a member sees her own history, and no verification');
    t.equal(await member.page.getByText(/^Gecontroleerd/).count(), 0);
    await member.check(t, 'member-history');

    await member.page.goto(`${address}/app/${cooperativeId}/assemblies/${assemblyId}`);
    await member.page.getByRole('link', { name: 'stuk' }).click();
    await member.page.getByRole('heading', { name: 'Jaarverslag maatschappelijke impact 2026', level: 1 }).waitFor();
    t.pass('the agenda item’s impact report, read with her session');

    t.same(problems, [], 'no console errors or warnings on any page');
  });
});
