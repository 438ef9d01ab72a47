import { BEARER_SECURITY, callerOf, cooperativeParams, notFound, problemResponses } from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Webhooks } from './webhooks.js';

const revokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'Webhook' });
const deliverySchema = z
  .object({
    id: z.string().describe('The `webhook-id` header: the same on every retry of a delivery'),
    eventId: z.uuid(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.int(),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
const webhookParams = cooperativeParams.extend({ webhookId: z.uuid() });

export interface WebhookRoutesOptions {
  readonly webhooks: Webhooks;
  /** The event types a webhook may subscribe to: every one the history shows. */
  readonly eventTypes: readonly string[];
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** A cooperative's webhooks: subscribed by its secretary or an admin, each delivery logged. */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (plain, { webhooks, eventTypes, clock, newId }) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const eventType = z.string().refine((type) => eventTypes.includes(type), { message: 'not an event type this deployment records' });

  app.post(
    '/cooperatives/:cooperativeId/webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary: "Subscribe a URL to the cooperative's events of some types; the signing secret is answered this once (secretary, admin)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: z.strictObject({
          url: z.url({ protocol: /^https?$/ }).max(2000),
          eventTypes: z.array(eventType).min(1).max(200),
        }),
        response: {
          201: z.object({ id: z.uuid(), secret: z.string().describe('`whsec_…`: verify each delivery\'s `webhook-signature` with it') }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const subscribed = await webhooks.subscribe({
        id: newId(),
        cooperativeId,
        url: request.body.url,
        eventTypes: [...new Set(request.body.eventTypes)],
        createdBy: callerOf(request).subject,
        now: clock(),
      });
      return reply.code(201).send(subscribed);
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary: "The cooperative's webhooks, live and revoked (secretary, admin)",
        security: BEARER_SECURITY,
        params: cooperativeParams,
        response: { 200: z.object({ webhooks: z.array(webhookSchema) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      webhooks: (await webhooks.of(request.params.cooperativeId)).map(({ cooperativeId: _cooperative, ...webhook }) => ({
        ...webhook,
        eventTypes: [...webhook.eventTypes],
      })),
    }),
  );

  app.post(
    '/cooperatives/:cooperativeId/webhooks/:webhookId/revocation',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Stop a webhook: nothing more is posted to it (secretary, admin)',
        security: BEARER_SECURITY,
        params: webhookParams,
        response: { 200: revokedSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { cooperativeId, webhookId } = request.params;
      if (!(await webhooks.revoke(cooperativeId, webhookId, clock()))) throw notFound(`No webhook ${webhookId}`);
      return { id: webhookId, revoked: true as const };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: "A webhook's deliveries, newest first, with each one's attempts and the receiver's last answer (secretary, admin)",
        security: BEARER_SECURITY,
        params: webhookParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { cooperativeId, webhookId } = request.params;
      const deliveries = await webhooks.deliveriesOf(cooperativeId, webhookId, request.query.limit);
      if (!deliveries) throw notFound(`No webhook ${webhookId}`);
      return { deliveries };
    },
  );
};
