// A member's private calendar feed of the cooperative's assemblies: a URL whose secret part is the only credential a
// calendar app can carry. Stored only as its hash; a new feed replaces the old, and the member may revoke it.
import { createHash, randomBytes } from 'node:crypto';
import { defineSchema, type ReadModelStore } from '@meent/eventsourcing';

const FEEDS = 'meent_calendar_feeds';

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface CalendarFeed {
  readonly cooperativeId: string;
  readonly memberId: string;
}

/** The tables, versioned: a change to them is a new migration at the end of this list. */
export const CALENDAR_FEED_TABLES = defineSchema('calendar-feeds', [
  {
    version: 1,
    description: "members' calendar feed tokens",
    statements: [
      `CREATE TABLE IF NOT EXISTS ${FEEDS} (token_hash TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL, member_id TEXT NOT NULL,
        created_at BIGINT NOT NULL, revoked_at BIGINT)`,
      `CREATE INDEX IF NOT EXISTS ${FEEDS}_by_member ON ${FEEDS} (member_id)`,
    ],
  },
]);

export class CalendarFeeds {
  private constructor(private readonly store: ReadModelStore) {}

  static async open(store: ReadModelStore): Promise<CalendarFeeds> {
    await store.migrate(CALENDAR_FEED_TABLES);
    return new CalendarFeeds(store);
  }

  /** A new feed for the member; any feed they had stops working. */
  async create(feed: CalendarFeed, now: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.store.transaction(async (transaction) => {
      await transaction.run(`UPDATE ${FEEDS} SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL`, [now.getTime(), feed.memberId]);
      await transaction.run(`INSERT INTO ${FEEDS} (token_hash, cooperative_id, member_id, created_at) VALUES (?, ?, ?, ?)`, [
        hashOf(token),
        feed.cooperativeId,
        feed.memberId,
        now.getTime(),
      ]);
    });
    return token;
  }

  /** Revokes the member's feed; false when they have none. */
  async revoke(memberId: string, now: Date): Promise<boolean> {
    return this.store.transaction(async (transaction) => {
      const live = await transaction.get<{ token_hash: string }>(`SELECT token_hash FROM ${FEEDS} WHERE member_id = ? AND revoked_at IS NULL`, [memberId]);
      if (!live) return false;
      await transaction.run(`UPDATE ${FEEDS} SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL`, [now.getTime(), memberId]);
      return true;
    });
  }

  async feedOf(token: string): Promise<CalendarFeed | undefined> {
    const row = await this.store.reader.get<{ cooperative_id: string; member_id: string }>(
      `SELECT cooperative_id, member_id FROM ${FEEDS} WHERE token_hash = ? AND revoked_at IS NULL`,
      [hashOf(token)],
    );
    return row && { cooperativeId: row.cooperative_id, memberId: row.member_id };
  }
}
