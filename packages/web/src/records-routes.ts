// The register, the history with its verification, and each budget with the treasurer's bookings.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiProblem } from './api.js';
import { budgetSchema, budgetsSchema, historySchema, journalSchema, registerSchema, verificationSchema } from './api-schemas.js';
import { centsFrom } from './i18n.js';
import { amountProblem, cooperativeParams, detailsForm, registerDetails, text, type Kit, type Visit } from './kit.js';
import type { FormProblem } from './layout.js';
import { bookingSection, historyPage, registerPage } from './officer-pages.js';
import { budgetPage, budgetsPage } from './pages.js';

const budgetParams = cooperativeParams.extend({ budgetId: z.uuid() });
const memberParams = cooperativeParams.extend({ memberId: z.uuid() });
const expenseParams = budgetParams.extend({ expenseId: z.uuid() });
const registerQuery = z.object({ name: text(100).optional(), after: text(500).optional() });
const historyQuery = z.object({ after: z.coerce.number().int().nonnegative().optional() });
const forms = {
  income: z.object({ lineCode: text(32).min(1), source: text(200).min(1), amount: text(20).min(1), receivedOn: text(10).min(1) }),
  expense: z.object({ lineCode: text(32).min(1), payee: text(200).min(1), amount: text(20).min(1), invoiceReference: text(100).min(1), description: text(500).min(1) }),
};

/** Reads what an officer may see; a member who may not gets the page without it. */
async function ifAllowed<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ApiProblem && error.problem.status === 403) return undefined;
    throw error;
  }
}

export function recordsRoutes(app: FastifyInstance, kit: Kit): void {
  const registerPageOf = (visit: Visit, cooperativeId: string, shown?: FormProblem) =>
    kit.page(
      visit,
      cooperativeId,
      async (context, { base }) => {
        const query = registerQuery.safeParse(visit.request.query).data ?? {};
        const search = new URLSearchParams({ limit: '50', ...(query.name ? { name: query.name } : {}), ...(query.after ? { after: query.after } : {}) });
        if (visit.at !== undefined) search.set('minPosition', String(visit.at));
        const register = await visit.api.get(`${base}/members?${search.toString()}`, registerSchema);
        return { title: context.t.register.title, content: registerPage(context, register, query.name ?? '') };
      },
      shown,
    );
  app.get('/:cooperativeId/members', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    return registerPageOf(kit.visit(request, reply), cooperativeId);
  });
  kit.formRoute({
    url: '/:cooperativeId/members',
    params: cooperativeParams,
    form: 'register',
    schema: detailsForm,
    command: async (visit, { cooperativeId }, form) => ({
      written: await visit.api.post(`/cooperatives/${cooperativeId}/members`, registerDetails(form)),
      then: `/app/${cooperativeId}/members`,
    }),
    again: (visit, { cooperativeId }, shown) => registerPageOf(visit, cooperativeId, shown),
  });
  kit.formRoute({
    url: '/:cooperativeId/members/:memberId/admission',
    params: memberParams,
    form: 'admit',
    schema: z.object({}),
    command: async (visit, { cooperativeId, memberId }) => ({
      written: await visit.api.post(`/cooperatives/${cooperativeId}/members/${memberId}/admission`),
      then: `/app/${cooperativeId}/members`,
    }),
    again: (visit, { cooperativeId }, shown) => registerPageOf(visit, cooperativeId, shown),
  });

  app.get('/:cooperativeId/history', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const visit = kit.visit(request, reply);
    return kit.page(visit, cooperativeId, async (context, { base }) => {
      const after = historyQuery.safeParse(request.query).data?.after ?? 0;
      const [history, verification] = await Promise.all([
        visit.api.get(`${base}/events?limit=100&after=${after}`, historySchema),
        ifAllowed(() => visit.api.get(`${base}/audit/verification`, verificationSchema)),
      ]);
      return { title: context.t.history.title, content: historyPage(context, history, verification) };
    });
  });

  // The annual impact report an agenda item puts before the assembly: the API's own printable page, in the member's
  // language, read with their token.
  const reportQuery = z.object({ year: z.coerce.number().int().min(2000).max(9999), asOfPosition: z.coerce.number().int().nonnegative().optional() });
  app.get('/:cooperativeId/impact-report', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const visit = kit.visit(request, reply);
    const query = reportQuery.safeParse(request.query);
    if (!query.success) return reply.code(400).type('text/plain; charset=utf-8').send('Bad Request: year');
    const search = new URLSearchParams({ year: String(query.data.year), lang: visit.language, ...(query.data.asOfPosition === undefined ? {} : { asOfPosition: String(query.data.asOfPosition) }) });
    return kit.guarded(visit, cooperativeId, async () => {
      const document = await visit.api.document(`/cooperatives/${cooperativeId}/impact-report.html?${search.toString()}`);
      // The report's own policy, as the API sends it: a printed page that loads nothing, not even an icon.
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        .send(document);
    });
  });

  app.get('/:cooperativeId/budgets', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const visit = kit.visit(request, reply);
    return kit.page(visit, cooperativeId, async (context, { base, since }) => {
      const { budgets } = await visit.api.get(`${base}/budgets${since}`, budgetsSchema);
      return { title: context.t.budgets.title, content: budgetsPage(context, budgets) };
    });
  });

  const budgetPageOf = (visit: Visit, cooperativeId: string, budgetId: string, shown?: FormProblem) =>
    kit.page(
      visit,
      cooperativeId,
      async (context, { base, since }) => {
        const path = `${base}/budgets/${budgetId}`;
        const budget = await visit.api.get(`${path}${since}`, budgetSchema);
        // Officers keep the journal and approve what another booked; the treasurer books.
        const officer = context.me.offices.length > 0 && budget.status === 'adopted';
        const journal = officer ? await visit.api.get(`${path}/journal${since}`, journalSchema) : undefined;
        const bookings = journal ? bookingSection(context, budget, journal, { canBook: context.me.offices.includes('treasurer') }) : '';
        return { title: budget.title, content: budgetPage(context, budget, bookings) };
      },
      shown,
    );
  app.get('/:cooperativeId/budgets/:budgetId', { schema: { hide: true, params: budgetParams } }, async (request, reply) => {
    const { cooperativeId, budgetId } = budgetParams.parse(request.params);
    return budgetPageOf(kit.visit(request, reply), cooperativeId, budgetId);
  });

  /** A booking form below the budget: posted to the API in cents, the budget's page again after. */
  const booking = <Schema extends z.ZodType<{ amount: string }>>(path: string, form: string, schema: Schema, bodyOf: (form: z.infer<Schema>, cents: number) => object) =>
    kit.formRoute({
      url: `/:cooperativeId/budgets/:budgetId/${path}`,
      params: budgetParams,
      form,
      schema,
      command: async (visit, { cooperativeId, budgetId }, filled) => {
        const refused = amountProblem(visit, filled.amount, 'amountCents');
        if (refused) throw new ApiProblem(refused);
        const written = await visit.api.post(`/cooperatives/${cooperativeId}/budgets/${budgetId}/${path}`, bodyOf(filled, centsFrom(filled.amount, visit.language) ?? 0));
        return { written, then: `/app/${cooperativeId}/budgets/${budgetId}` };
      },
      again: (visit, { cooperativeId, budgetId }, shown) => budgetPageOf(visit, cooperativeId, budgetId, shown),
    });
  booking('income', 'income', forms.income, (form, amountCents) => ({ lineCode: form.lineCode, source: form.source, amountCents, receivedOn: form.receivedOn }));
  booking('expenses', 'expense', forms.expense, (form, amountCents) => ({
    lineCode: form.lineCode,
    payee: form.payee,
    amountCents,
    invoiceReference: form.invoiceReference,
    description: form.description,
  }));
  kit.formRoute({
    url: '/:cooperativeId/budgets/:budgetId/expenses/:expenseId/approval',
    params: expenseParams,
    form: 'approve',
    schema: z.object({}),
    command: async (visit, { cooperativeId, budgetId, expenseId }) => ({
      written: await visit.api.post(`/cooperatives/${cooperativeId}/budgets/${budgetId}/expenses/${expenseId}/approval`),
      then: `/app/${cooperativeId}/budgets/${budgetId}`,
    }),
    again: (visit, { cooperativeId, budgetId }, shown) => budgetPageOf(visit, cooperativeId, budgetId, shown),
  });
}
