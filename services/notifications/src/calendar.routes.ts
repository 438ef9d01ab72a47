import type { ServiceRuntime } from '@meent/eventsourcing';
import { BEARER_SECURITY, cooperativeParams, notFound, problemResponses, reference } from '@meent/http';
import { letterheadOf, standingIn } from '@meent/membership/standing';
import { assembliesOfCooperative } from '@meent/voting/standing';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarOf } from './calendar.js';
import type { CalendarFeeds } from './calendar-feeds.js';

const revokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

const memberParams = cooperativeParams.extend({ memberId: reference('member') });
/** Who a feed keeps serving: a member while the membership lasts, suspended or not. */
const FEED_READERS = new Set(['member', 'suspended']);

/** A member's private iCalendar feed of the cooperative's assemblies. */
export function calendarRoutes(feeds: CalendarFeeds): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/cooperatives/:cooperativeId/members/:memberId/calendar-feed',
      {
        schema: {
          tags: ['notifications'],
          summary: "A private calendar feed of the cooperative's assemblies; a new one replaces the old (the member; an admin)",
          security: BEARER_SECURITY,
          params: memberParams,
          response: {
            201: z.object({ path: z.string().describe('Relative to the server: subscribe to it in a calendar app; anyone with it sees the assemblies') }),
            ...problemResponses(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const { cooperativeId, memberId } = request.params;
        const token = await feeds.create({ cooperativeId, memberId }, runtime.clock());
        return reply.code(201).send({ path: `/calendars/${token}` });
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/members/:memberId/calendar-feed/revocation',
      {
        schema: {
          tags: ['notifications'],
          summary: "Stop the member's calendar feed (the member)",
          security: BEARER_SECURITY,
          params: memberParams,
          response: { 200: revokedSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        if (!(await feeds.revoke(request.params.memberId, runtime.clock()))) throw notFound('This member has no calendar feed');
        return { id: request.params.memberId, revoked: true as const };
      },
    );

    app.get(
      '/calendars/:feedToken',
      {
        schema: {
          tags: ['notifications'],
          summary: "A member's calendar feed (anyone with its secret path), as text/calendar",
          params: z.object({ feedToken: z.string().min(20).max(100) }),
          response: { 200: z.string(), ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const feed = await feeds.feedOf(request.params.feedToken);
        const letterhead = feed && (await letterheadOf(runtime.commands, feed.cooperativeId));
        if (!feed || !letterhead || !FEED_READERS.has(await standingIn(runtime.commands, feed.memberId, feed.cooperativeId, runtime.clock()))) {
          throw notFound('No such calendar feed');
        }
        const assemblies = await assembliesOfCooperative(runtime, feed.cooperativeId);
        const calendar = calendarOf(
          assemblies.map((assembly) => ({
            assemblyId: assembly.id,
            cooperative: letterhead.name,
            title: assembly.title,
            scheduledAt: assembly.scheduledAt,
            venue: assembly.venue,
            cancelled: assembly.status === 'cancelled',
            sequence: assembly.status === 'cancelled' ? 1 : 0,
          })),
          letterhead.name,
        );
        return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(calendar);
      },
    );
  };
}
