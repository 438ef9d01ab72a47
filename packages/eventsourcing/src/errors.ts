// A context's domain errors in one catalogue: each code with its HTTP status, the rule it comes from and what it
// says, so a client reads one list (the README's, generated from these) and a decider names a code, not a status.
import { DomainError, type DomainErrorStatus } from './decider.js';

export interface ErrorEntry {
  readonly status: DomainErrorStatus;
  /** What the error says, where the case does not say more. */
  readonly message: string;
  /** The article of law, or the cooperative's rule, that the command broke. */
  readonly rule?: string;
}

export type ErrorCatalogue = Readonly<Record<string, ErrorEntry>>;

export interface ErrorRaiser<Catalogue extends ErrorCatalogue> {
  /** The error of `code`; the message may name the case (a member, an amount), the rule the article it applied. */
  (code: keyof Catalogue & string, details?: { readonly message?: string; readonly rule?: string }): DomainError;
  readonly entries: Catalogue;
}

export function errorCatalogue<const Catalogue extends ErrorCatalogue>(entries: Catalogue): ErrorRaiser<Catalogue> {
  const raise = (code: keyof Catalogue & string, details: { readonly message?: string; readonly rule?: string } = {}) => {
    const entry = entries[code] as ErrorEntry;
    return new DomainError(code, entry.status, details.message ?? entry.message, details.rule ?? entry.rule);
  };
  return Object.assign(raise, { entries });
}
