// Writes the tables the README shows from the code between their markers: the rights table the server enforces and
// the domain errors each context can answer with (`pnpm readme`). A test fails while they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { domainErrorsMarkdown, rightsTableMarkdown } from '@meent/server';

const readme = fileURLToPath(new URL('../../README.md', import.meta.url));

function between(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

const text = readFileSync(readme, 'utf8');
writeFileSync(readme, between(between(text, 'rights', rightsTableMarkdown()), 'errors', domainErrorsMarkdown()));
