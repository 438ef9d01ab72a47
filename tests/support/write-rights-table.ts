// Writes the rights table into the README between its markers: `pnpm rights`. A test fails while they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rightsTableMarkdown } from '@meent/server';

const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
const START = '<!-- rights:start -->';
const END = '<!-- rights:end -->';
const text = readFileSync(readme, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} markers`);
writeFileSync(readme, `${text.slice(0, from + START.length)}\n${rightsTableMarkdown()}\n${text.slice(to)}`);
