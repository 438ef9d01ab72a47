// Webhooks: a secretary or admin subscribes a URL to a cooperative's event types, and each such event is posted to it,
// signed as the Standard Webhooks specification describes (`webhook-id`, `webhook-timestamp`, `webhook-signature`:
// HMAC-SHA256 over `id.timestamp.body` with the subscription's secret), retried with back-off, every attempt logged.
// What is posted is what the cooperative's history shows: personal data only as "encrypted", never its content.
import { createHmac, randomBytes } from 'node:crypto';
import { defineSchema, type ReadModelStore, type Reaction, type StoredEvent } from '@meent/eventsourcing';
import { DeliveryLoop, failureText, Wakeup } from './delivery.js';
import { backlogOf, MAX_ATTEMPTS, retryDelayAfter, type Backlog } from './outbox.js';

const WEBHOOKS = 'meent_webhooks';
const DELIVERIES = 'meent_webhook_deliveries';
const BATCH = 25;
/** A receiver answers within this, or the attempt counts as failed. */
const RECEIVER_TIMEOUT_MS = 10_000;

export interface Webhook {
  readonly id: string;
  readonly cooperativeId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface WebhookDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'delivered' | 'dead';
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
}

interface WebhookRow {
  id: string;
  cooperative_id: string;
  url: string;
  event_types: string;
  secret: string;
  created_by: string;
  created_at: number | string;
  revoked_at: number | string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: WebhookDelivery['status'];
  attempts: number | string;
  last_status: number | string | null;
  last_error: string | null;
  next_attempt_at: number | string | null;
  delivered_at: number | string | null;
  queued_at: number | string;
}

const iso = (milliseconds: number | string | null) => (milliseconds === null ? null : new Date(Number(milliseconds)).toISOString());

const webhookOf = (row: WebhookRow): Webhook => ({
  id: row.id,
  cooperativeId: row.cooperative_id,
  url: row.url,
  eventTypes: JSON.parse(row.event_types) as string[],
  createdBy: row.created_by,
  createdAt: iso(row.created_at) ?? '',
  revokedAt: iso(row.revoked_at),
});

/** The signature header's value for a message, as the Standard Webhooks specification defines it. */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The tables, versioned: a change to them is a new migration at the end of this list. */
export const WEBHOOK_TABLES = defineSchema('webhooks', [
  {
    version: 1,
    description: 'webhooks and their deliveries',
    statements: [
      `CREATE TABLE IF NOT EXISTS ${WEBHOOKS} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT NOT NULL,
        url TEXT NOT NULL,
        event_types TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      )`,
      `CREATE INDEX IF NOT EXISTS ${WEBHOOKS}_by_cooperative ON ${WEBHOOKS} (cooperative_id)`,
      `CREATE TABLE IF NOT EXISTS ${DELIVERIES} (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        queued_at BIGINT NOT NULL,
        next_attempt_at BIGINT,
        delivered_at BIGINT
      )`,
      `CREATE INDEX IF NOT EXISTS ${DELIVERIES}_due ON ${DELIVERIES} (status, next_attempt_at)`,
      `CREATE INDEX IF NOT EXISTS ${DELIVERIES}_by_webhook ON ${DELIVERIES} (webhook_id, queued_at)`,
    ],
  },
]);

export class Webhooks {
  private readonly queued = new Wakeup();

  private constructor(private readonly store: ReadModelStore) {}

  static async open(store: ReadModelStore): Promise<Webhooks> {
    await store.migrate(WEBHOOK_TABLES);
    return new Webhooks(store);
  }

  /** Subscribes a URL; the secret is answered this once and never again. */
  async subscribe(subscription: { id: string; cooperativeId: string; url: string; eventTypes: readonly string[]; createdBy: string; now: Date }) {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    await this.store.transaction((transaction) =>
      transaction.run(
        `INSERT INTO ${WEBHOOKS} (id, cooperative_id, url, event_types, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [subscription.id, subscription.cooperativeId, subscription.url, JSON.stringify(subscription.eventTypes), secret, subscription.createdBy, subscription.now.getTime()],
      ),
    );
    return { id: subscription.id, secret };
  }

  async of(cooperativeId: string): Promise<Webhook[]> {
    const rows = await this.store.reader.all<WebhookRow>(`SELECT * FROM ${WEBHOOKS} WHERE cooperative_id = ? ORDER BY created_at, id`, [cooperativeId]);
    return rows.map(webhookOf);
  }

  async revoke(cooperativeId: string, webhookId: string, now: Date): Promise<boolean> {
    return this.store.transaction(async (transaction) => {
      const row = await transaction.get<{ id: string }>(`SELECT id FROM ${WEBHOOKS} WHERE id = ? AND cooperative_id = ?`, [webhookId, cooperativeId]);
      if (!row) return false;
      await transaction.run(`UPDATE ${WEBHOOKS} SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, [now.getTime(), webhookId]);
      await transaction.run(`UPDATE ${DELIVERIES} SET status = 'dead', last_error = 'the webhook was revoked', next_attempt_at = NULL
        WHERE webhook_id = ? AND status = 'pending'`, [webhookId]);
      return true;
    });
  }

  /** Deliveries waiting for a (next) attempt, and those given up on. */
  async backlog(): Promise<Backlog> {
    return backlogOf(this.store, DELIVERIES);
  }

  async deliveriesOf(cooperativeId: string, webhookId: string, limit: number): Promise<WebhookDelivery[] | undefined> {
    const owner = await this.store.reader.get<{ id: string }>(`SELECT id FROM ${WEBHOOKS} WHERE id = ? AND cooperative_id = ?`, [webhookId, cooperativeId]);
    if (!owner) return undefined;
    const rows = await this.store.reader.all<DeliveryRow>(
      `SELECT * FROM ${DELIVERIES} WHERE webhook_id = ? ORDER BY queued_at DESC, id LIMIT ?`,
      [webhookId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      status: row.status,
      attempts: Number(row.attempts),
      lastStatusCode: row.last_status === null ? null : Number(row.last_status),
      lastError: row.last_error,
      nextAttemptAt: iso(row.next_attempt_at),
      deliveredAt: iso(row.delivered_at),
    }));
  }

  /** Queues the event for every live subscription of its cooperative to its type; queued once however often asked. */
  async fanOut(event: StoredEvent, payload: unknown, now: Date): Promise<void> {
    const subscribed = (await this.of(event.metadata.cooperativeId)).filter(
      (webhook) => webhook.revokedAt === null && webhook.eventTypes.includes(event.type),
    );
    if (subscribed.length === 0) return;
    const body = JSON.stringify({ type: event.type, timestamp: event.metadata.occurredAt, data: payload });
    await this.store.transaction(async (transaction) => {
      for (const webhook of subscribed) {
        await transaction.run(
          `INSERT INTO ${DELIVERIES} (id, webhook_id, event_id, event_type, payload, status, attempts, queued_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [`${webhook.id}.${event.id}`, webhook.id, event.id, event.type, body, now.getTime(), now.getTime()],
        );
      }
    });
    this.queued.notify();
  }

  nextQueued(signal: AbortSignal): Promise<void> {
    return this.queued.next(signal);
  }

  /** Posts what is due; answers whether a full batch went, so more may wait. */
  async deliverDue(now: Date, clock: () => Date): Promise<boolean> {
    const due = await this.store.reader.all<DeliveryRow & { url: string; secret: string }>(
      `SELECT d.*, w.url, w.secret FROM ${DELIVERIES} d JOIN ${WEBHOOKS} w ON w.id = d.webhook_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      [now.getTime(), BATCH],
    );
    for (const delivery of due) {
      const sentAt = clock();
      // The message id is the delivery's, the same on every retry, so a receiver can tell a retry from a new event.
      const timestamp = Math.floor(sentAt.getTime() / 1000);
      let status: number | null = null;
      let failure: string | null = null;
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'webhook-id': delivery.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': webhookSignature(delivery.secret, delivery.id, timestamp, delivery.payload),
          },
          body: delivery.payload,
        });
        status = response.status;
        await response.body?.cancel();
        if (status < 200 || status >= 300) failure = `the receiver answered ${status}`;
      } catch (error) {
        failure = failureText(error);
      }
      await this.recordAttempt(delivery, status, failure, clock());
    }
    return due.length === BATCH;
  }

  private async recordAttempt(delivery: DeliveryRow, status: number | null, failure: string | null, at: Date): Promise<void> {
    const attempts = Number(delivery.attempts) + 1;
    const dead = failure !== null && attempts >= MAX_ATTEMPTS;
    await this.store.transaction((transaction) =>
      transaction.run(
        `UPDATE ${DELIVERIES} SET status = ?, attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ?`,
        [
          failure === null ? 'delivered' : dead ? 'dead' : 'pending',
          attempts,
          status,
          failure,
          failure === null || dead ? null : at.getTime() + retryDelayAfter(attempts),
          failure === null ? at.getTime() : null,
          delivery.id,
        ],
      ),
    );
  }
}

/** Posts the webhooks' deliveries, apart from every command. */
export function startWebhookDelivery(options: {
  webhooks: Webhooks;
  readModels: ReadModelStore;
  clock: () => Date;
  onStoreError?: (error: unknown) => void;
  pollMs?: number;
}) {
  return DeliveryLoop.start({
    name: 'outbox/webhooks',
    readModels: options.readModels,
    nextQueued: (signal) => options.webhooks.nextQueued(signal),
    deliverDue: () => options.webhooks.deliverDue(options.clock(), options.clock),
    onStoreError: options.onStoreError,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
}

/**
 * Queues each event of the given types for the webhooks subscribed to it, shown as the cooperative's history shows it.
 * Built where every event type is known (the composition root).
 */
export function postToWebhooks(webhooks: Webhooks, eventTypes: readonly string[], shown: (event: StoredEvent) => unknown): Reaction {
  return {
    name: 'post-to-webhooks',
    startsAt: 'head',
    eventTypes,
    react: (event) => webhooks.fanOut(event, shown(event), new Date(event.metadata.occurredAt)),
  };
}
