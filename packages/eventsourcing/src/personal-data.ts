// Crypto-shredding: personal data enters events only encrypted under a key per data subject, kept outside the
// event log. Destroying the key erases the person while every event stays.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import {
  applyMigrations,
  applySqliteMigrations,
  defineSchema,
  guardSqlite,
  MIGRATIONS_TABLE,
  migrationTransaction,
  openSqliteDatabase,
  PostgresPool,
  type SqliteDurability,
} from '@meent/event-store';
import type Database from 'better-sqlite3';
import { z } from 'zod';

export const encryptedDataSchema = z.object({
  algorithm: z.literal('aes-256-gcm'),
  /** The data subject whose key encrypts this. */
  subject: z.string().min(1),
  iv: z.base64(),
  ciphertext: z.base64(),
  tag: z.base64(),
});
export type EncryptedData = z.infer<typeof encryptedDataSchema>;

export interface KeyStore {
  /** Creates the subject's key if it has none; a destroyed key is never re-created. */
  createKey(subject: string): Promise<void>;
  /** The subject's key, or undefined once destroyed (or never made). */
  key(subject: string): Promise<Buffer | undefined>;
  destroyKey(subject: string): Promise<void>;
  /** When the key was destroyed, if it was. */
  destroyedAt(subject: string): Promise<string | undefined>;
  /** A deployment-wide key for blind indexes: finding "this e-mail again" without storing the e-mail. */
  indexKey(): Promise<Buffer>;
  /** Answers once the store is reachable and its table migrated; rejects with why not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class KeyDestroyedError extends Error {
  override readonly name = 'KeyDestroyedError';
  constructor(readonly subject: string) {
    super(`the key of ${subject} has been destroyed`);
  }
}

export async function encryptFor(keys: KeyStore, subject: string, plaintext: unknown): Promise<EncryptedData> {
  const key = await keys.key(subject);
  if (!key) throw new KeyDestroyedError(subject);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
  return {
    algorithm: 'aes-256-gcm',
    subject,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** The decrypted data, validated by `schema`; undefined when the subject's key is gone. */
export async function decryptWith<Schema extends z.ZodType>(
  keys: KeyStore,
  encrypted: EncryptedData,
  schema: Schema,
): Promise<z.infer<Schema> | undefined> {
  const key = await keys.key(encrypted.subject);
  return key && decryptWithKey(key, encrypted, schema);
}

/** Decrypts with a key already fetched, for many envelopes of one subject at once. */
export function decryptWithKey<Schema extends z.ZodType>(key: Buffer, encrypted: EncryptedData, schema: Schema): z.infer<Schema> {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(encrypted.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(encrypted.tag, 'base64'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(encrypted.ciphertext, 'base64')), decipher.final()]);
  return schema.parse(JSON.parse(plaintext.toString('utf8')));
}

/** A keyed hash: equal inputs give equal digests, but the digest reveals nothing without the index key. */
export function blindIndex(indexKey: Buffer, value: string): Buffer {
  return createHmac('sha256', indexKey).update(value).digest();
}

/** A blind index shaped as a uuid, to name a stream by: a uniqueness claim that never writes down what it indexes. */
export function blindIndexId(indexKey: Buffer, value: string): string {
  const digest = blindIndex(indexKey, value).toString('hex');
  return [digest.slice(0, 8), digest.slice(8, 12), digest.slice(12, 16), digest.slice(16, 20), digest.slice(20, 32)].join('-');
}

const INDEX_KEY_SUBJECT = 'meent:blind-index';

/** The blind-index key is kept like a subject's key, under a name no member id can take. */
async function indexKeyOf(keys: KeyStore): Promise<Buffer> {
  await keys.createKey(INDEX_KEY_SUBJECT);
  const key = await keys.key(INDEX_KEY_SUBJECT);
  if (!key) throw new Error('the blind-index key is missing');
  return key;
}

/** The key table, versioned in both dialects: a change to it is a new migration at the end of this list. */
export const keyTables = (table: string) =>
  defineSchema('personal-data-keys', [
    {
      version: 1,
      description: 'one encryption key per data subject, destroyed to erase what it encrypted',
      statements: {
        sqlite: [`CREATE TABLE IF NOT EXISTS ${table} (subject TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, destroyed_at TEXT)`],
        postgres: [
          `CREATE TABLE IF NOT EXISTS ${table} (subject TEXT PRIMARY KEY, key BYTEA, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), destroyed_at TIMESTAMPTZ)`,
        ],
      },
    },
  ]);

/**
 * Keys in their own table of the event store's database file: backed up with the events, never touched by a
 * projection replay (read models live elsewhere). `secure_delete` overwrites a destroyed key's bytes on disk.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(options: { path: string; durability?: SqliteDurability }) {
    this.db = openSqliteDatabase(options.path, options.durability ?? 'normal');
    this.db.pragma('secure_delete = ON');
    applySqliteMigrations(this.db, keyTables('personal_data_keys'), new Date());
    this.statements = {
      create: this.db.prepare<[string, Buffer, string]>(
        'INSERT INTO personal_data_keys (subject, key, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING',
      ),
      key: this.db.prepare<[string], { key: Buffer | null; destroyed_at: string | null }>(
        'SELECT key, destroyed_at FROM personal_data_keys WHERE subject = ?',
      ),
      destroy: this.db.prepare<[string, string]>(
        'UPDATE personal_data_keys SET key = NULL, destroyed_at = ? WHERE subject = ? AND key IS NOT NULL',
      ),
    };
  }

  async createKey(subject: string): Promise<void> {
    guarded(() => this.statements.create.run(subject, randomBytes(32), new Date().toISOString()));
  }

  async key(subject: string): Promise<Buffer | undefined> {
    return guarded(() => this.statements.key.get(subject)?.key ?? undefined);
  }

  async destroyKey(subject: string): Promise<void> {
    guarded(() => {
      this.statements.destroy.run(new Date().toISOString(), subject);
      // The old page may still sit in the write-ahead log; folding it into the database lets secure_delete wipe it.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async destroyedAt(subject: string): Promise<string | undefined> {
    return guarded(() => this.statements.key.get(subject)?.destroyed_at ?? undefined);
  }

  indexKey(): Promise<Buffer> {
    return indexKeyOf(this);
  }

  async ping(): Promise<void> {
    guarded(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Runs statements on the key table; the file being locked or the disk full is the store's unavailability. */
const guarded = <T>(statements: () => T): T => guardSqlite('personal data keys', statements);

/** Keys in the event store's PostgreSQL schema: backed up with the events, never touched by a projection replay. */
export class PostgresKeyStore implements KeyStore {
  private readonly pool: PostgresPool;
  private readonly table: string;

  constructor(options: { connectionString: string; schema?: string }) {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name ${schema} is not a plain identifier`);
    this.table = `"${schema}".personal_data_keys`;
    this.pool = new PostgresPool({
      connectionString: options.connectionString,
      max: 4,
      serves: 'personal data keys',
      migrate: async (client) => {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await applyMigrations(migrationTransaction(client, `"${schema}".${MIGRATIONS_TABLE}`), keyTables(this.table), new Date());
      },
    });
    void this.pool.ready().catch(() => undefined);
  }

  async createKey(subject: string): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.table} (subject, key) VALUES ($1, $2) ON CONFLICT (subject) DO NOTHING`, [
      subject,
      randomBytes(32),
    ]);
  }

  async key(subject: string): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ key: Buffer | null }>(`SELECT key FROM ${this.table} WHERE subject = $1`, [subject]);
    return rows[0]?.key ?? undefined;
  }

  async destroyKey(subject: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.table} SET key = NULL, destroyed_at = now() WHERE subject = $1 AND key IS NOT NULL`, [
      subject,
    ]);
  }

  async destroyedAt(subject: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ destroyed_at: Date | null }>(
      `SELECT destroyed_at FROM ${this.table} WHERE subject = $1`,
      [subject],
    );
    return rows[0]?.destroyed_at?.toISOString() ?? undefined;
  }

  indexKey(): Promise<Buffer> {
    return indexKeyOf(this);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
