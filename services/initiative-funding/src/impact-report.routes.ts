// The annual impact report over HTTP: as JSON, as CSV and as a printable page in Dutch or English — now, or as it stood
// at any date or log position, like the other read models.
import type { ServiceRuntime } from '@meent/eventsourcing';
import { BEARER_SECURITY, cooperativeParams, csvOptionsQuery, notFound, pointInTime, pointInTimeQuery, problemResponses, readAfter } from '@meent/http';
import { letterheadOf, rulesIn } from '@meent/membership/standing';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { impactReport, impactReportSchema, type ImpactReport } from './domain/impact-report.js';
import { impactFactsOf, impactProjection } from './projections/impact.projection.js';
import { impactReportCsv } from './rendering/impact-report.csv.js';
import { REPORT_LANGUAGES, impactReportHtml } from './rendering/impact-report.html.js';

const financialYear = z.coerce.number().int().min(2000).max(2200);

const reportQuery = pointInTimeQuery.extend({
  /** Only this financial year; every year without it. */
  year: financialYear.optional(),
});

const pageQuery = pointInTimeQuery.extend({
  /** The financial year the page reports on; the last one without it. The charts show the years before it too. */
  year: financialYear.optional(),
  /** The page's language; the cooperative's notice language without it. */
  lang: z.enum(REPORT_LANGUAGES).optional(),
});

const REPORT_PROBLEMS = problemResponses(400, 401, 403, 404, 503);

export const impactReportRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  /** The report of the cooperative as of the query's moment, every year or only one. */
  const reportOf = async (cooperativeId: string, query: z.infer<typeof pointInTimeQuery>, onlyYear?: number): Promise<ImpactReport> => {
    await readAfter(runtime, impactProjection, query.minPosition, query.asOfPosition);
    const moment = pointInTime(query);
    const { facts, position } = await runtime.projections.query(impactProjection, (reader, tables) => impactFactsOf(reader, tables, cooperativeId, moment));
    const themes = (await rulesIn(runtime.commands, cooperativeId))?.themes ?? [];
    return impactReport(cooperativeId, facts, themes, { asOf: query.asOf ?? null, asOfPosition: query.asOfPosition ?? null, position }, onlyYear);
  };

  app.get(
    '/cooperatives/:cooperativeId/impact-report',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'The annual impact report: per financial year and theme, money, lines of work, outcomes, partners and durability (any member)',
        description: 'Now, or as of a date (`asOf`) or log position (`asOfPosition`); `position` answers with the last position included.',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: reportQuery,
        response: { 200: impactReportSchema, ...REPORT_PROBLEMS },
      },
    },
    async (request) => reportOf(request.params.cooperativeId, request.query, request.query.year),
  );

  app.get(
    '/cooperatives/:cooperativeId/impact-report.csv',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'The annual impact report as CSV: a row per financial year and theme, and one for all themes (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: reportQuery.extend(csvOptionsQuery.shape),
        produces: ['text/csv'],
        response: { 200: z.string().meta({ description: 'CSV, one row per financial year and theme' }), ...REPORT_PROBLEMS },
      },
    },
    async (request, reply) => {
      const report = await reportOf(request.params.cooperativeId, request.query, request.query.year);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="impact-report-${request.query.year ?? 'all'}-${report.position}.csv"`)
        .send(impactReportCsv(report, request.query));
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/impact-report.html',
    {
      schema: {
        tags: ['initiative-funding'],
        summary: 'The annual impact report as a printable page with SVG charts, in Dutch or English (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: pageQuery,
        produces: ['text/html'],
        response: { 200: z.string().meta({ description: 'HTML, one financial year' }), ...REPORT_PROBLEMS },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const report = await reportOf(cooperativeId, request.query);
      const year = request.query.year ?? report.years.at(-1)?.year;
      if (year === undefined || !report.years.some((entry) => entry.year === year)) {
        throw notFound(year === undefined ? 'The cooperative has no financial year yet' : `No financial year ${year}`);
      }
      const letterhead = await letterheadOf(runtime.commands, cooperativeId);
      const language = request.query.lang ?? letterhead?.language ?? 'nl';
      return reply
        .type('text/html; charset=utf-8')
        // Titles and names on the page are the members' words: even if one slipped past escaping, it could run nothing.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        .send(impactReportHtml({ report, year, language, cooperativeName: letterhead?.name ?? cooperativeId }));
    },
  );
};
