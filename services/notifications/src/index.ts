// The notifications context: who is told what (reactions queuing messages in an outbox), how messages leave (SMTP, or
// files in development), and what an admin sees of them.
import type { KeyStore } from '@meent/eventsourcing';
import type { ServiceRuntime } from '@meent/eventsourcing';
import type { FastifyPluginAsync } from 'fastify';
import { calendarRoutes } from './calendar.routes.js';
import type { CalendarFeeds } from './calendar-feeds.js';
import { notificationRoutes } from './notification.routes.js';
import { notifyPeopleConcerned } from './notify.reaction.js';
import type { Outbox } from './outbox.js';

export { Outbox, OUTBOX_TABLES, MAX_ATTEMPTS, retryDelayAfter, type Backlog, type OutgoingMessage, type DeliveryRecord } from './outbox.js';
export { createMailer, directMail, messageIdOf, startMailDelivery, type MailFailure, type Mailer, type MailSettings } from './mailer.js';
export { DeliveryLoop } from './delivery.js';
export { signInCodeNotice, type Language } from './notices.js';
export { calendarOf } from './calendar.js';
export { CalendarFeeds, CALENDAR_FEED_TABLES } from './calendar-feeds.js';
export { NOTIFY_REACTION } from './notify.reaction.js';
export { Webhooks, WEBHOOK_TABLES, postToWebhooks, startWebhookDelivery, webhookSignature, type Webhook, type WebhookDelivery } from './webhooks.js';
export { webhookRoutes } from './webhook.routes.js';

export interface NotificationsDependencies {
  readonly keys: KeyStore;
  readonly outbox: Outbox;
  readonly calendarFeeds: CalendarFeeds;
}

export function createNotifications({ keys, outbox, calendarFeeds }: NotificationsDependencies) {
  const routes: FastifyPluginAsync<ServiceRuntime> = async (app, runtime) => {
    await app.register(notificationRoutes(outbox, runtime.clock));
    await app.register(calendarRoutes(calendarFeeds), runtime);
  };
  return {
    name: 'notifications',
    events: [],
    projections: [],
    reactions: [notifyPeopleConcerned({ outbox, keys })],
    routes,
  };
}
