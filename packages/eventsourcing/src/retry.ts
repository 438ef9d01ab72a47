import { StoreUnavailableError } from '@meent/event-store';

/** PostgreSQL's serialization failure and deadlock: the transaction lost a race and may simply run again. */
const LOST_RACE_CODES = new Set(['40001', '40P01']);

/**
 * A failure of the store rather than of the work — it was out of reach, or the transaction lost a race — so the same
 * work may succeed if tried again. Anything else (a bug, data a handler cannot take) would fail the same way again.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  return error instanceof Error && 'code' in error && LOST_RACE_CODES.has(String(error.code));
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 2_000;

/**
 * How long to wait before attempt `attempt + 1`: doubling from 200 ms up to 2 s, then a random share between half and
 * all of it, so processes that failed together do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
