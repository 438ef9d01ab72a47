// Initiatives and the neighbourhood budget's rounds.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiProblem } from './api.js';
import { budgetSchema, budgetsSchema, initiativeSchema, initiativesSchema, roundSchema, roundsSchema, themesSchema } from './api-schemas.js';
import { initiativePage, initiativesPage, roundPage, roundsPage, type FundingLine } from './funding-pages.js';
import { centsFrom } from './i18n.js';
import { amountProblem, cooperativeParams, text, type Kit, type Visit } from './kit.js';
import type { FormProblem } from './layout.js';

const initiativeParams = cooperativeParams.extend({ initiativeId: z.uuid() });
const roundParams = cooperativeParams.extend({ roundId: z.uuid() });
/** A form's checkboxes: absent, one value, or several. */
const checked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : [value].flat()));
const forms = {
  apply: z.object({
    title: text(200).min(1),
    description: text(5000).min(1),
    amount: text(20).min(1),
    milestone: text(200).min(1),
    line: z.string().regex(/^[0-9a-f-]{36}:.+$/, 'a budget line'),
    themes: checked,
    kind: z.enum(['community-initiative', 'social-enterprise']),
  }),
  decide: z.object({ approve: z.enum(['yes', 'no']), reason: text(1000).min(1) }),
  report: z.object({ progressReport: text(5000).min(1), spent: text(20).min(1) }),
  ballot: z.object({ approvals: checked }),
};

export function fundingRoutes(app: FastifyInstance, kit: Kit): void {
  /** The expense lines of the adopted budgets, where an initiative's money comes from. */
  const fundingLines = async (visit: Visit, base: string): Promise<FundingLine[]> => {
    const { budgets } = await visit.api.get(`${base}/budgets`, budgetsSchema);
    const adopted = await Promise.all(budgets.filter((budget) => budget.status === 'adopted').map((budget) => visit.api.get(`${base}/budgets/${budget.id}`, budgetSchema)));
    return adopted.flatMap((budget) => budget.lines.filter((line) => line.kind === 'expense').map((line) => ({ budget, code: line.code, name: line.name })));
  };

  const initiativesPageOf = (visit: Visit, cooperativeId: string, shown?: FormProblem) =>
    kit.page(
      visit,
      cooperativeId,
      async (context, { base, since }) => {
        const [{ initiatives }, cooperative, lines] = await Promise.all([
          visit.api.get(`${base}/initiatives${since}${since ? '&' : '?'}limit=100`, initiativesSchema),
          visit.api.get(base, themesSchema),
          fundingLines(visit, base),
        ]);
        return { title: context.t.initiatives.title, content: initiativesPage(context, initiatives, cooperative.rules.themes, lines) };
      },
      shown,
    );
  app.get('/:cooperativeId/initiatives', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    return initiativesPageOf(kit.visit(request, reply), cooperativeId);
  });
  kit.formRoute({
    url: '/:cooperativeId/initiatives',
    params: cooperativeParams,
    form: 'apply',
    schema: forms.apply,
    command: async (visit, { cooperativeId }, form) => {
      const refused = amountProblem(visit, form.amount, 'requestedCents');
      if (refused) throw new ApiProblem(refused);
      const requestedCents = centsFrom(form.amount, visit.language) ?? 0;
      const [budgetId, ...code] = form.line.split(':');
      const written = await visit.api.post(`/cooperatives/${cooperativeId}/initiatives`, {
        title: form.title,
        description: form.description,
        requestedCents,
        budgetId,
        lineCode: code.join(':'),
        tranches: [{ amountCents: requestedCents, milestone: form.milestone }],
        themes: form.themes,
        kind: form.kind,
      });
      return { written, then: `/app/${cooperativeId}/initiatives/${written.id}` };
    },
    again: (visit, { cooperativeId }, shown) => initiativesPageOf(visit, cooperativeId, shown),
  });

  const initiativePageOf = (visit: Visit, cooperativeId: string, initiativeId: string, shown?: FormProblem) =>
    kit.page(
      visit,
      cooperativeId,
      async (context, { base, since }) => {
        const [initiative, cooperative] = await Promise.all([
          visit.api.get(`${base}/initiatives/${initiativeId}${since}`, initiativeSchema),
          visit.api.get(base, themesSchema),
        ]);
        return { title: initiative.title, content: initiativePage(context, initiative, cooperative.rules.themes) };
      },
      shown,
    );
  app.get('/:cooperativeId/initiatives/:initiativeId', { schema: { hide: true, params: initiativeParams } }, async (request, reply) => {
    const { cooperativeId, initiativeId } = initiativeParams.parse(request.params);
    return initiativePageOf(kit.visit(request, reply), cooperativeId, initiativeId);
  });
  kit.formRoute({
    url: '/:cooperativeId/initiatives/:initiativeId/decision',
    params: initiativeParams,
    form: 'decide',
    schema: forms.decide,
    command: async (visit, { cooperativeId, initiativeId }, form) => ({
      written: await visit.api.post(`/cooperatives/${cooperativeId}/initiatives/${initiativeId}/decision`, { approve: form.approve === 'yes', reason: form.reason }),
      then: `/app/${cooperativeId}/initiatives/${initiativeId}`,
    }),
    again: (visit, { cooperativeId, initiativeId }, shown) => initiativePageOf(visit, cooperativeId, initiativeId, shown),
  });
  kit.formRoute({
    url: '/:cooperativeId/initiatives/:initiativeId/tranches',
    params: initiativeParams,
    form: 'report',
    schema: forms.report,
    command: async (visit, { cooperativeId, initiativeId }, form) => {
      const refused = amountProblem(visit, form.spent, 'spentSoFarCents');
      if (refused) throw new ApiProblem(refused);
      const written = await visit.api.post(`/cooperatives/${cooperativeId}/initiatives/${initiativeId}/tranches`, {
        progressReport: form.progressReport,
        spentSoFarCents: centsFrom(form.spent, visit.language) ?? 0,
      });
      return { written, then: `/app/${cooperativeId}/initiatives/${initiativeId}` };
    },
    again: (visit, { cooperativeId, initiativeId }, shown) => initiativePageOf(visit, cooperativeId, initiativeId, shown),
  });

  app.get('/:cooperativeId/pb-rounds', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const visit = kit.visit(request, reply);
    return kit.page(visit, cooperativeId, async (context, { base, since }) => {
      const { rounds } = await visit.api.get(`${base}/pb-rounds${since}`, roundsSchema);
      return { title: context.t.pb.title, content: roundsPage(context, rounds) };
    });
  });
  const roundPageOf = (visit: Visit, cooperativeId: string, roundId: string, shown?: FormProblem) =>
    kit.page(
      visit,
      cooperativeId,
      async (context, { base, since }) => {
        const round = await visit.api.get(`${base}/pb-rounds/${roundId}${since}`, roundSchema);
        const voted = z.object({ voted: z.literal('1') }).safeParse(visit.request.query).success;
        return { title: round.title, content: roundPage(context, round, voted) };
      },
      shown,
    );
  app.get('/:cooperativeId/pb-rounds/:roundId', { schema: { hide: true, params: roundParams } }, async (request, reply) => {
    const { cooperativeId, roundId } = roundParams.parse(request.params);
    return roundPageOf(kit.visit(request, reply), cooperativeId, roundId);
  });
  kit.formRoute({
    url: '/:cooperativeId/pb-rounds/:roundId/ballots',
    params: roundParams,
    form: 'ballot',
    schema: forms.ballot,
    command: async (visit, { cooperativeId, roundId }, form) => ({
      written: await visit.api.post(`/cooperatives/${cooperativeId}/pb-rounds/${roundId}/ballots`, { approvals: form.approvals }),
      then: `/app/${cooperativeId}/pb-rounds/${roundId}?voted=1`,
    }),
    again: (visit, { cooperativeId, roundId }, shown) => roundPageOf(visit, cooperativeId, roundId, shown),
  });
}
