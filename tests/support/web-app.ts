// The web app's browser tests share these: a visitor whose pages are checked with axe-core and saved as screenshots,
// signing in through the app with the code the test's SMTP server received, and a budget the assembly adopted.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore } from '@meent/event-store';
import type { Browser, Page } from 'playwright-core';
import type { Test } from 'tap';
import { admittedMember, command, conveneAssembly, foundCooperative, withTreasurerAndChair, type FoundedCooperative } from './cooperative-fixture.js';
import { nextEvent } from './events.js';
import { codeIn, startMailServer, type MailServer } from './mail-server.js';
import { REPOSITORY_ROOT } from './processes.js';
import { testServer, type TestServer } from './test-server.js';

const SCREENSHOTS = join(REPOSITORY_ROOT, 'test-results', 'web-app');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Visitor {
  readonly page: Page;
  /** Checks the page as it stands with axe-core, saves it as a screenshot, and fails on what the browser complained of. */
  check(t: Test, name: string): Promise<void>;
}

export async function visitor(browser: Browser, problems: string[], viewport = { width: 1000, height: 900 }): Promise<Visitor> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // The console says a load failed but not which: the address, for whoever reads a failure.
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return {
    page,
    async check(t, name) {
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
        return (await axe.run()).violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length }));
      });
      t.same(
        violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
        [],
        `${name}: no serious or critical accessibility violation`,
      );
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
  };
}

/** Signs in through the app's pages with the code the test's SMTP server received. */
export async function signIn(t: Test, visiting: Visitor, mail: MailServer, address: string, cooperativeId: string, email: string, screenshot?: string): Promise<void> {
  const { page } = visiting;
  await page.goto(`${address}/app/${cooperativeId}`);
  t.match(page.url(), /\/sign-in$/, 'signed out, the app asks to sign in');
  const before = mail.received.length;
  await page.getByLabel('E-mailadres').fill(email);
  if (screenshot) await visiting.check(t, `${screenshot}-sign-in`);
  await page.getByRole('button', { name: 'Stuur mij een code' }).click();
  await page.getByLabel('Code (8 cijfers)').waitFor();
  const message = await mail.waitFor((received) => received.to === email && mail.received.indexOf(received) >= before && /\b\d{8}\b/.test(received.text), `a code for ${email}`);
  await page.getByLabel('Code (8 cijfers)').fill(codeIn(message));
  if (screenshot) await visiting.check(t, `${screenshot}-code`);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Overzicht', level: 1 }).waitFor();
}

export const motionCard = (page: Page, title: string) => page.locator('article', { has: page.getByRole('heading', { name: title, level: 3 }) });

export async function vote(page: Page, title: string, choice: 'voor' | 'tegen' | 'onthouding', formIndex = 0): Promise<void> {
  const form = motionCard(page, title).locator('form').nth(formIndex);
  await form.getByLabel(choice, { exact: true }).check();
  await form.getByRole('button').click();
  await page.waitForLoadState('load');
}

/** Succeeds, or fails the test with the API's answer. */
export async function accepted(answer: Promise<{ status: number; body: { id: string; position: number } }>, what: string) {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The 2026 budget — a municipal contribution of € 15.000 as income, € 12.000 for neighbourhood initiatives — adopted
 * by an assembly every voter votes in: returns its id once the adoption is recorded.
 */
export async function adoptedBudget(server: TestServer, cooperative: FoundedCooperative, treasurer: string, voters: readonly string[], events: EventStore): Promise<string> {
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const budgetId = (await accepted(command(server.app, treasurer, `${base}/budgets`, { financialYear: 2026, title: 'Begroting 2026' }), 'budget')).id;
  await accepted(command(server.app, treasurer, `${base}/budgets/${budgetId}/lines`, { code: '8000', name: 'Bijdrage gemeente', kind: 'income', amountCents: 1_500_000 }), 'income line');
  await accepted(command(server.app, treasurer, `${base}/budgets/${budgetId}/lines`, { code: '4100', name: 'Buurtinitiatieven', kind: 'expense', amountCents: 1_200_000 }), 'expense line');
  await accepted(command(server.app, treasurer, `${base}/budgets/${budgetId}/submission`), 'submission');
  const assemblyId = (await accepted(conveneAssembly(server, cooperative, { title: 'Begrotingsvergadering' }), 'budget assembly')).id;
  const motion = {
    title: 'Begroting 2026',
    text: 'De vergadering stelt de begroting vast.',
    decisionType: 'budget-adoption',
    subject: { kind: 'budget', id: budgetId },
  };
  const adoption = (await accepted(command(server.app, cooperative.secretary, `${base}/assemblies/${assemblyId}/motions`, motion), 'adoption motion')).id;
  await accepted(command(server.app, cooperative.secretary, `${base}/motions/${adoption}/opening`), 'opening the adoption');
  let position = 0;
  for (const voter of voters) {
    position = (await accepted(command(server.app, voter, `${base}/motions/${adoption}/votes`, { choice: 'for' }), 'adoption vote')).position;
  }
  await nextEvent(events, 'BudgetAdopted', position);
  return budgetId;
}

/** A form the server refused on purpose (a 4xx): the two notes the browser makes of it are expected, and taken out. */
export function forgetRefusedForm(t: Test, problems: string[], path: string): void {
  const notes = problems.filter((problem) => /status of 4\d\d/.test(problem) || new RegExp(`^4\\d\\d ${path}$`).test(problem));
  t.equal(notes.length, 2, `the refused form at ${path} was answered with its problem`);
  for (const note of notes) problems.splice(problems.indexOf(note), 1);
}

/**
 * What every web app test starts from: a real SMTP server, a server that sends its mail there with its clock at
 * 2 March 2026, a cooperative with its secretary (Sanne), treasurer (Theo), chair (Clara) and a member (Anna), and
 * the event log to wait on.
 */
export async function webAppWorld(t: Test) {
  const mail = await startMailServer(t);
  const server = await testServer(t, { environment: { MEENT_SMTP_URL: mail.url } });
  server.clock.set('2026-03-02T09:00:00.000Z');
  const cooperative = await foundCooperative(server);
  const officers = await withTreasurerAndChair(server, cooperative);
  const anna = await admittedMember(server, cooperative, 'Anna de Vries', 'anna@example.nl');
  const events = new SqliteEventStore({ path: join(server.dataDir, 'events.db') });
  t.teardown(() => events.close());
  const { cooperativeId } = cooperative;
  return { mail, server, cooperative, cooperativeId, base: `/cooperatives/${cooperativeId}`, officers, anna, events };
}

/** The server on a port and a headless Chromium for it, closed with the test; `problems` gathers what pages log. */
export async function browserFor(t: Test, server: TestServer, executablePath: string) {
  const { chromium } = await import('playwright-core');
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const problems: string[] = [];
  return { address, browser, problems };
}
