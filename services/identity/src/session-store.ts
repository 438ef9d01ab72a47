// Sign-in codes, sessions and their refresh tokens, and the deployment's admins: operational state, not domain events
// (DESIGN §6). A code or token is stored only as its keyed hash, so what the tables hold cannot sign anyone in.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { defineSchema, type ReadModelStore, type SqlExecutor } from '@meent/eventsourcing';

const CODES = 'meent_sign_in_codes';
const SESSIONS = 'meent_sessions';
const REFRESH_TOKENS = 'meent_refresh_tokens';
const ADMINS = 'meent_admins';

/** What a session signs in as: a member of one cooperative, or an admin of the deployment. */
export type SessionSubject =
  | { readonly kind: 'member'; readonly memberId: string; readonly cooperativeId: string }
  | { readonly kind: 'admin'; readonly adminId: string };

export interface SessionView {
  readonly id: string;
  readonly method: SignInMethod;
  readonly createdAt: string;
  readonly lastRefreshedAt: string | null;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly revokedBecause: string | null;
}

export type SignInMethod = 'email' | 'oidc';

export interface IssuedRefresh {
  readonly sessionId: string;
  readonly refreshToken: string;
}

export type RefreshCheck =
  | { readonly ok: true; readonly sessionId: string; readonly subject: SessionSubject; readonly refreshToken: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

interface SessionRow {
  id: string;
  cooperative_id: string | null;
  subject: string;
  kind: 'member' | 'admin';
  method: SignInMethod;
  created_at: number | string;
  last_refreshed_at: number | string | null;
  expires_at: number | string;
  revoked_at: number | string | null;
  revoked_because: string | null;
}

const iso = (milliseconds: number | string) => new Date(Number(milliseconds)).toISOString();

export interface SessionLifetimes {
  /** How long a sign-in code holds. */
  readonly codeMs: number;
  /** How long a session lasts from sign-in, however often it is refreshed. */
  readonly sessionMs: number;
  /** How many wrong codes burn a code. */
  readonly codeAttempts: number;
}

export const DEFAULT_LIFETIMES: SessionLifetimes = { codeMs: 10 * 60_000, sessionMs: 30 * 86_400_000, codeAttempts: 5 };

/** The tables, versioned: a change to them is a new migration at the end of this list. */
export const SESSION_TABLES = defineSchema('sessions', [
  {
    version: 1,
    description: 'sign-in codes, sessions, refresh tokens and admins',
    statements: [
      `CREATE TABLE IF NOT EXISTS ${CODES} (
        id TEXT PRIMARY KEY,
        address_hash TEXT NOT NULL,
        audience TEXT NOT NULL,
        subject TEXT,
        code_hash TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
      )`,
      `CREATE INDEX IF NOT EXISTS ${CODES}_by_address ON ${CODES} (address_hash, audience, created_at)`,
      `CREATE TABLE IF NOT EXISTS ${SESSIONS} (
        id TEXT PRIMARY KEY,
        cooperative_id TEXT,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL,
        method TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_refreshed_at BIGINT,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoked_because TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${SESSIONS}_by_subject ON ${SESSIONS} (subject, created_at)`,
      `CREATE TABLE IF NOT EXISTS ${REFRESH_TOKENS} (token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, issued_at BIGINT NOT NULL,
        used_at BIGINT)`,
      `CREATE TABLE IF NOT EXISTS ${ADMINS} (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, added_at BIGINT NOT NULL)`,
    ],
  },
]);

export class SessionStore {
  private constructor(
    private readonly store: ReadModelStore,
    /** Keys the hashes: a code has few digits, so without a key its hash would be guessed offline in seconds. */
    private readonly pepper: string,
    readonly lifetimes: SessionLifetimes,
  ) {}

  static async open(store: ReadModelStore, pepper: string, lifetimes: SessionLifetimes = DEFAULT_LIFETIMES): Promise<SessionStore> {
    await store.migrate(SESSION_TABLES);
    return new SessionStore(store, pepper, lifetimes);
  }

  private hash(purpose: string, value: string): string {
    return createHmac('sha256', this.pepper).update(`${purpose}\n${value}`).digest('base64url');
  }

  /** An address as the codes table knows it, for counting requests: never the address itself. */
  addressHash(audience: string, email: string): string {
    return this.hash('address', `${audience}\n${email.toLowerCase()}`);
  }

  /** Codes asked for an address since `since`, whether or not it is registered: the per-address limit counts them. */
  async codesAskedSince(addressHash: string, audience: string, since: Date): Promise<number> {
    const row = await this.store.reader.get<{ asked: number | string }>(
      `SELECT COUNT(*) AS asked FROM ${CODES} WHERE address_hash = ? AND audience = ? AND created_at >= ?`,
      [addressHash, audience, since.getTime()],
    );
    return Number(row?.asked ?? 0);
  }

  /**
   * Records a request for a code. An address that signs in as nobody gets a row too, without a subject and with a
   * code nobody receives: the request is counted the same, and answered the same.
   */
  async issueCode(request: { id: string; addressHash: string; audience: string; subject: string | null; now: Date }): Promise<string> {
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    await this.store.transaction((transaction) =>
      transaction.run(
        `INSERT INTO ${CODES} (id, address_hash, audience, subject, code_hash, attempts, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
        [
          request.id,
          request.addressHash,
          request.audience,
          request.subject,
          this.hash('code', `${request.id}\n${code}`),
          request.now.getTime(),
          request.now.getTime() + this.lifetimes.codeMs,
        ],
      ),
    );
    return code;
  }

  /**
   * The subject a code signs in as, used up by this call; undefined for a wrong, expired or used code. Only the newest
   * code of an address counts, and each wrong try counts against it.
   */
  async redeemCode(addressHash: string, audience: string, code: string, now: Date): Promise<string | undefined> {
    return this.store.transaction(async (transaction) => {
      const row = await transaction.get<{ id: string; subject: string | null; code_hash: string; attempts: number | string; expires_at: number | string; used_at: number | string | null }>(
        `SELECT id, subject, code_hash, attempts, expires_at, used_at FROM ${CODES} WHERE address_hash = ? AND audience = ?
         ORDER BY created_at DESC, id DESC LIMIT 1`,
        [addressHash, audience],
      );
      if (!row || row.used_at !== null || Number(row.expires_at) <= now.getTime() || Number(row.attempts) >= this.lifetimes.codeAttempts) {
        return undefined;
      }
      const expected = Buffer.from(row.code_hash);
      const given = Buffer.from(this.hash('code', `${row.id}\n${code}`));
      if (expected.length !== given.length || !timingSafeEqual(expected, given) || row.subject === null) {
        await transaction.run(`UPDATE ${CODES} SET attempts = attempts + 1 WHERE id = ?`, [row.id]);
        return undefined;
      }
      await transaction.run(`UPDATE ${CODES} SET used_at = ? WHERE id = ?`, [now.getTime(), row.id]);
      return row.subject;
    });
  }

  async startSession(request: { id: string; subject: SessionSubject; method: SignInMethod; now: Date }): Promise<IssuedRefresh> {
    const { subject, now } = request;
    return this.store.transaction(async (transaction) => {
      await transaction.run(
        `INSERT INTO ${SESSIONS} (id, cooperative_id, subject, kind, method, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          request.id,
          subject.kind === 'member' ? subject.cooperativeId : null,
          subject.kind === 'member' ? subject.memberId : subject.adminId,
          subject.kind,
          request.method,
          now.getTime(),
          now.getTime() + this.lifetimes.sessionMs,
        ],
      );
      return { sessionId: request.id, refreshToken: await this.newRefreshToken(transaction, request.id, now) };
    });
  }

  private async newRefreshToken(transaction: SqlExecutor, sessionId: string, now: Date): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await transaction.run(`INSERT INTO ${REFRESH_TOKENS} (token_hash, session_id, issued_at) VALUES (?, ?, ?)`, [
      this.hash('refresh', token),
      sessionId,
      now.getTime(),
    ]);
    return token;
  }

  /**
   * Trades a refresh token for the next one. A token used before means it was copied: the whole session is revoked,
   * for the thief and the owner alike (the owner signs in again).
   */
  async rotate(refreshToken: string, now: Date): Promise<RefreshCheck> {
    return this.store.transaction(async (transaction) => {
      const token = await transaction.get<{ session_id: string; used_at: number | string | null }>(
        `SELECT session_id, used_at FROM ${REFRESH_TOKENS} WHERE token_hash = ?`,
        [this.hash('refresh', refreshToken)],
      );
      if (!token) return { ok: false as const, reason: 'unknown' as const };
      const session = await transaction.get<SessionRow>(`SELECT * FROM ${SESSIONS} WHERE id = ?`, [token.session_id]);
      if (!session) return { ok: false as const, reason: 'unknown' as const };
      if (session.revoked_at !== null) return { ok: false as const, reason: 'revoked' as const };
      if (token.used_at !== null) {
        await revoke(transaction, session.id, 'a refresh token was used twice', now);
        return { ok: false as const, reason: 'reused' as const };
      }
      if (Number(session.expires_at) <= now.getTime()) return { ok: false as const, reason: 'expired' as const };
      await transaction.run(`UPDATE ${REFRESH_TOKENS} SET used_at = ? WHERE token_hash = ?`, [now.getTime(), this.hash('refresh', refreshToken)]);
      await transaction.run(`UPDATE ${SESSIONS} SET last_refreshed_at = ? WHERE id = ?`, [now.getTime(), session.id]);
      return { ok: true as const, sessionId: session.id, subject: subjectOf(session), refreshToken: await this.newRefreshToken(transaction, session.id, now) };
    });
  }

  async sessionsOf(subject: string): Promise<SessionView[]> {
    const rows = await this.store.reader.all<SessionRow>(`SELECT * FROM ${SESSIONS} WHERE subject = ? ORDER BY created_at DESC, id`, [subject]);
    return rows.map((row) => ({
      id: row.id,
      method: row.method,
      createdAt: iso(row.created_at),
      lastRefreshedAt: row.last_refreshed_at === null ? null : iso(row.last_refreshed_at),
      expiresAt: iso(row.expires_at),
      revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
      revokedBecause: row.revoked_because,
    }));
  }

  /** Revokes one session of a subject; false when the subject has no such session. */
  async revokeSession(subject: string, sessionId: string, because: string, now: Date): Promise<boolean> {
    return this.store.transaction(async (transaction) => {
      const row = await transaction.get<{ id: string }>(`SELECT id FROM ${SESSIONS} WHERE id = ? AND subject = ?`, [sessionId, subject]);
      if (!row) return false;
      await revoke(transaction, sessionId, because, now);
      return true;
    });
  }

  /** Revokes every session of a subject still open. */
  async revokeAllOf(subject: string, because: string, now: Date): Promise<void> {
    await this.store.transaction((transaction) =>
      transaction.run(`UPDATE ${SESSIONS} SET revoked_at = ?, revoked_because = ? WHERE subject = ? AND revoked_at IS NULL`, [
        now.getTime(),
        because,
        subject,
      ]),
    );
  }

  async addAdmin(id: string, email: string, now: Date): Promise<{ id: string; added: boolean }> {
    return this.store.transaction(async (transaction) => {
      const known = await transaction.get<{ id: string }>(`SELECT id FROM ${ADMINS} WHERE email = ?`, [email.toLowerCase()]);
      if (known) return { id: known.id, added: false };
      await transaction.run(`INSERT INTO ${ADMINS} (id, email, added_at) VALUES (?, ?, ?)`, [id, email.toLowerCase(), now.getTime()]);
      return { id, added: true };
    });
  }

  async removeAdmin(email: string, now: Date): Promise<boolean> {
    const known = await this.adminByAddress(email);
    if (!known) return false;
    await this.store.transaction((transaction) => transaction.run(`DELETE FROM ${ADMINS} WHERE id = ?`, [known]));
    await this.revokeAllOf(known, 'no longer an admin', now);
    return true;
  }

  async admins(): Promise<{ id: string; email: string; addedAt: string }[]> {
    const rows = await this.store.reader.all<{ id: string; email: string; added_at: number | string }>(`SELECT * FROM ${ADMINS} ORDER BY email`);
    return rows.map((row) => ({ id: row.id, email: row.email, addedAt: iso(row.added_at) }));
  }

  async adminByAddress(email: string): Promise<string | undefined> {
    return (await this.store.reader.get<{ id: string }>(`SELECT id FROM ${ADMINS} WHERE email = ?`, [email.toLowerCase()]))?.id;
  }

  async isAdmin(adminId: string): Promise<boolean> {
    return (await this.store.reader.get<{ id: string }>(`SELECT id FROM ${ADMINS} WHERE id = ?`, [adminId])) !== undefined;
  }
}

function subjectOf(row: SessionRow): SessionSubject {
  return row.kind === 'admin'
    ? { kind: 'admin', adminId: row.subject }
    : { kind: 'member', memberId: row.subject, cooperativeId: row.cooperative_id ?? '' };
}

async function revoke(transaction: SqlExecutor, sessionId: string, because: string, now: Date): Promise<void> {
  await transaction.run(`UPDATE ${SESSIONS} SET revoked_at = ?, revoked_because = ? WHERE id = ? AND revoked_at IS NULL`, [
    now.getTime(),
    because,
    sessionId,
  ]);
}
