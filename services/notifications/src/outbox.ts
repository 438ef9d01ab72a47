// The outbox: every message Meent sends waits here until a mail server took it. A message's id comes from what
// caused it (an event, a sign-in request) and the person it goes to, so queuing it again — a reaction repeated after a
// crash — adds nothing, and the id goes out as the Message-ID, by which a receiving server knows a message it already has.
// Operational state, not domain events: what is in a message is rebuilt from events, whether it left is not.
import { defineSchema, type ReadModelStore, type SqlExecutor } from '@meent/eventsourcing';
import { Wakeup } from './delivery.js';

export const OUTBOX_TABLE = 'meent_outbox';

export interface OutgoingMessage {
  /** Unique per cause and recipient: `convocation/{eventId}/{memberId}`. */
  readonly id: string;
  readonly cooperativeId: string | null;
  /** What kind of notice it is, shown to admins in place of its content. */
  readonly kind: string;
  /** The member it goes to, if it goes to one: their unsent messages go when their personal data is erased. */
  readonly memberId: string | null;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** An iCalendar object sent along as `invite.ics`. */
  readonly calendar?: string | undefined;
}

export type DeliveryStatus = 'pending' | 'sent' | 'dead';

export interface QueuedMessage extends OutgoingMessage {
  readonly attempts: number;
}

/** What an admin sees of a message: never its address or content. */
export interface DeliveryRecord {
  readonly id: string;
  readonly cooperativeId: string | null;
  readonly kind: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly queuedAt: string;
  readonly nextAttemptAt: string | null;
  readonly sentAt: string | null;
}

interface OutboxRow {
  id: string;
  cooperative_id: string | null;
  kind: string;
  member_id: string | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  calendar: string | null;
  status: DeliveryStatus;
  attempts: number | string;
  last_error: string | null;
  queued_at: number | string;
  next_attempt_at: number | string | null;
  sent_at: number | string | null;
}

/** A message is given up after this many failed attempts, and waits as a dead letter until an admin retries it. */
export const MAX_ATTEMPTS = 8;

/** Half a minute after the first failure, doubling, at most six hours. */
export function retryDelayAfter(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 6 * 3_600_000);
}

export interface Backlog {
  readonly pending: number;
  readonly dead: number;
}

/** The pending and dead rows of a queue table (its status index answers it). */
export async function backlogOf(store: ReadModelStore, table: string): Promise<Backlog> {
  const rows = await store.reader.all<{ status: string; count: number | string }>(
    `SELECT status, count(*) AS count FROM ${table} WHERE status IN ('pending', 'dead') GROUP BY status`,
  );
  const count = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0);
  return { pending: count('pending'), dead: count('dead') };
}

const iso = (milliseconds: number | string | null) => (milliseconds === null ? null : new Date(Number(milliseconds)).toISOString());

/** The tables, versioned: a change to them is a new migration at the end of this list. */
export const OUTBOX_TABLES = defineSchema('outbox', [
  {
    version: 1,
    description: 'messages waiting to be sent',
    statements: [
      `CREATE TABLE IF NOT EXISTS ${OUTBOX_TABLE} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT,
        kind TEXT NOT NULL,
        member_id TEXT,
        recipient TEXT,
        subject TEXT,
        body TEXT,
        calendar TEXT,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT,
        queued_at BIGINT NOT NULL,
        next_attempt_at BIGINT,
        sent_at BIGINT
      )`,
      `CREATE INDEX IF NOT EXISTS ${OUTBOX_TABLE}_due ON ${OUTBOX_TABLE} (status, next_attempt_at)`,
      `CREATE INDEX IF NOT EXISTS ${OUTBOX_TABLE}_by_member ON ${OUTBOX_TABLE} (member_id)`,
    ],
  },
]);

export class Outbox {
  private readonly queued = new Wakeup();

  private constructor(private readonly store: ReadModelStore) {}

  static async open(store: ReadModelStore): Promise<Outbox> {
    await store.migrate(OUTBOX_TABLES);
    return new Outbox(store);
  }

  /** Queues messages not queued before; in the caller's transaction when one is given. */
  async enqueue(messages: readonly OutgoingMessage[], now: Date, transaction?: SqlExecutor): Promise<void> {
    if (messages.length === 0) return;
    const write = async (executor: SqlExecutor) => {
      for (const message of messages) {
        await executor.run(
          `INSERT INTO ${OUTBOX_TABLE} (id, cooperative_id, kind, member_id, recipient, subject, body, calendar, status, attempts, queued_at,
             next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [
            message.id,
            message.cooperativeId,
            message.kind,
            message.memberId,
            message.to,
            message.subject,
            message.text,
            message.calendar ?? null,
            now.getTime(),
            now.getTime(),
          ],
        );
      }
    };
    if (transaction) await write(transaction);
    else await this.store.transaction(write);
    this.queued.notify();
  }

  /** Settles when this process queues a message, or when `signal` aborts. */
  nextQueued(signal: AbortSignal): Promise<void> {
    return this.queued.next(signal);
  }

  async due(now: Date, limit: number): Promise<QueuedMessage[]> {
    const rows = await this.store.reader.all<OutboxRow>(
      `SELECT * FROM ${OUTBOX_TABLE} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
      [now.getTime(), limit],
    );
    return rows.map((row) => ({
      id: row.id,
      cooperativeId: row.cooperative_id,
      kind: row.kind,
      memberId: row.member_id,
      to: row.recipient ?? '',
      subject: row.subject ?? '',
      text: row.body ?? '',
      calendar: row.calendar ?? undefined,
      attempts: Number(row.attempts),
    }));
  }

  /** The server took it: the address and content are not kept. */
  async sent(id: string, at: Date): Promise<void> {
    await this.store.transaction((transaction) =>
      transaction.run(
        `UPDATE ${OUTBOX_TABLE} SET status = 'sent', sent_at = ?, next_attempt_at = NULL, recipient = NULL, subject = NULL, body = NULL,
           calendar = NULL, attempts = attempts + 1 WHERE id = ?`,
        [at.getTime(), id],
      ),
    );
  }

  async failed(message: QueuedMessage, error: string, at: Date): Promise<void> {
    const attempts = message.attempts + 1;
    const dead = attempts >= MAX_ATTEMPTS;
    await this.store.transaction((transaction) =>
      transaction.run(`UPDATE ${OUTBOX_TABLE} SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`, [
        dead ? 'dead' : 'pending',
        attempts,
        error.slice(0, 500),
        dead ? null : at.getTime() + retryDelayAfter(attempts),
        message.id,
      ]),
    );
  }

  /** That a message sent from memory (it held a secret) went or was given up: never its address or content. */
  async recordDirect(message: Pick<OutgoingMessage, 'id' | 'cooperativeId' | 'kind' | 'memberId'>, status: 'sent' | 'dead', attempts: number, error: string | null, at: Date) {
    await this.store.transaction((transaction) =>
      transaction.run(
        `INSERT INTO ${OUTBOX_TABLE} (id, cooperative_id, kind, member_id, status, attempts, last_error, queued_at, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [message.id, message.cooperativeId, message.kind, message.memberId, status, attempts, error, at.getTime(), status === 'sent' ? at.getTime() : null],
      ),
    );
  }

  /** A dead letter tried again from now; false when there is no dead letter by that id. */
  async retry(id: string, now: Date): Promise<boolean> {
    const row = await this.store.reader.get<{ status: DeliveryStatus; recipient: string | null }>(
      `SELECT status, recipient FROM ${OUTBOX_TABLE} WHERE id = ?`,
      [id],
    );
    // A message sent from memory kept no content to send again.
    if (row?.status !== 'dead' || row.recipient === null) return false;
    await this.store.transaction((transaction) =>
      transaction.run(`UPDATE ${OUTBOX_TABLE} SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'dead'`, [
        now.getTime(),
        id,
      ]),
    );
    this.queued.notify();
    return true;
  }

  /** Messages waiting for a (next) attempt, and those given up on: what an operator alerts on. */
  async backlog(): Promise<Backlog> {
    return backlogOf(this.store, OUTBOX_TABLE);
  }

  async list(filter: { status?: DeliveryStatus | undefined; limit: number }): Promise<DeliveryRecord[]> {
    const rows = await this.store.reader.all<OutboxRow>(
      `SELECT * FROM ${OUTBOX_TABLE} ${filter.status ? 'WHERE status = ?' : ''} ORDER BY queued_at DESC, id LIMIT ?`,
      filter.status ? [filter.status, filter.limit] : [filter.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      cooperativeId: row.cooperative_id,
      kind: row.kind,
      status: row.status,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      queuedAt: iso(row.queued_at) ?? '',
      nextAttemptAt: iso(row.next_attempt_at),
      sentAt: iso(row.sent_at),
    }));
  }

  /** A member's messages not sent yet, forgotten when their personal data is erased. */
  async forgetUnsentTo(memberId: string): Promise<void> {
    await this.store.transaction((transaction) =>
      transaction.run(`DELETE FROM ${OUTBOX_TABLE} WHERE member_id = ? AND status <> 'sent'`, [memberId]),
    );
  }
}
