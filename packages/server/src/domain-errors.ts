// The README's list of domain errors, written from each context's catalogue: `pnpm readme` puts it between its markers
// and a test fails while they differ.
import { budgetError } from '@meent/budget';
import type { ErrorCatalogue } from '@meent/eventsourcing';
import { identityError } from '@meent/identity';
import { agreementError, initiativeError, partnerError, pbError } from '@meent/initiative-funding';
import { membershipError } from '@meent/membership';
import { votingError } from '@meent/voting';

const CONTEXTS: readonly { readonly name: string; readonly entries: ErrorCatalogue }[] = [
  { name: 'membership', entries: membershipError.entries },
  { name: 'voting', entries: votingError.entries },
  { name: 'budget', entries: budgetError.entries },
  { name: 'initiative-funding', entries: initiativeError.entries },
  { name: 'participatory budgeting', entries: pbError.entries },
  { name: 'partners', entries: partnerError.entries },
  { name: 'funding agreements', entries: agreementError.entries },
  { name: 'identity', entries: identityError.entries },
];

/** One table per context: code, status, the rule it comes from, and what it means. */
export function domainErrorsMarkdown(): string {
  return CONTEXTS.map(({ name, entries }) => {
    const rows = Object.entries(entries).map(
      ([code, entry]) => `| \`${code}\` | ${entry.status} | ${entry.rule ?? ''} | ${entry.message.replaceAll('|', '\\|')} |`,
    );
    return [`**${name}**`, '', '| code | status | rule | meaning |', '|---|:-:|---|---|', ...rows].join('\n');
  }).join('\n\n');
}
