// Money is integer cents in JavaScript numbers, exact up to 2^53 − 1. One amount is at most MAX_AMOUNT_CENTS, so a
// sum stays exact for 9,007 amounts at the maximum; the deciders refuse the entry that would take a total past that
// (rule `exact-sums`), so every total Meent shows is exact.
import { z } from 'zod';
import { DomainError } from './decider.js';

/** €10,000,000,000.00: far beyond any cooperative's entry, and small enough that sums of them stay exact. */
export const MAX_AMOUNT_CENTS = 1_000_000_000_000;

/** A positive amount as a request may give it. */
export const amountCentsSchema = z.int().positive().max(MAX_AMOUNT_CENTS);

export const EXACT_SUMS_RULE = 'exact-sums';

/** Refuses a change that would take any of the totals past what a number holds exactly. */
export function requireExactSum(code: string, ...totals: number[]): void {
  if (totals.every((total) => Number.isSafeInteger(total))) return;
  throw new DomainError(
    code,
    422,
    `This would take a total past ${Number.MAX_SAFE_INTEGER} cents, beyond which sums are no longer exact`,
    EXACT_SUMS_RULE,
  );
}
