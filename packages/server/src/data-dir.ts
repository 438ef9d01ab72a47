import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenSettings } from '@meent/http';
import type { MeentConfig } from './config.js';

export const SECRET_FILE = 'jwt-secret';

/** The data directory, created if missing, open to its owner only (an older install's is narrowed to that). */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

/** The configured secret, or the one kept in the data directory (created on first use, readable by its owner only). */
export function signingSecret(config: Pick<MeentConfig, 'dataDir' | 'jwtSecret'>): string {
  if (config.jwtSecret) return config.jwtSecret;
  ensureDataDir(config.dataDir);
  const path = join(config.dataDir, SECRET_FILE);
  try {
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/** How this deployment signs and checks tokens. */
export function tokenSettings(config: MeentConfig): TokenSettings {
  return {
    secret: signingSecret(config),
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    clockSkewSeconds: config.jwtClockSkewSeconds,
  };
}
