import { BEARER_SECURITY, notFound, problemResponses } from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Outbox } from './outbox.js';

const deliverySchema = z
  .object({
    id: z.string().describe('From the cause and the recipient; also the Message-ID the mail went out with'),
    cooperativeId: z.uuid().nullable(),
    kind: z.string(),
    status: z.enum(['pending', 'sent', 'dead']).describe('`dead`: given up after repeated failures; retry it once the cause is fixed'),
    attempts: z.int(),
    lastError: z.string().nullable(),
    queuedAt: z.string(),
    nextAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationDelivery' });

/** The admin's view of the outbox: what waits, what went, what was given up; never an address or a message's content. */
export function notificationRoutes(outbox: Outbox, clock: () => Date): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/admin/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Messages queued, sent and given up, newest first (admin)',
          security: BEARER_SECURITY,
          querystring: z.strictObject({
            status: z.enum(['pending', 'sent', 'dead']).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => ({ deliveries: await outbox.list(request.query) }),
    );

    app.post(
      '/admin/notifications/:messageId/retry',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Send a message that was given up again, from now (admin)',
          security: BEARER_SECURITY,
          params: z.object({ messageId: z.string().min(1).max(300) }),
          response: { 202: z.object({ id: z.string() }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        if (!(await outbox.retry(request.params.messageId, clock()))) throw notFound(`No message ${request.params.messageId} was given up`);
        return reply.code(202).send({ id: request.params.messageId });
      },
    );
  };
}
