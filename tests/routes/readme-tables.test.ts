// The README shows what the code holds: the domain errors each context can answer with, as its catalogue says.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DomainError, errorCatalogue } from '@meent/eventsourcing';
import { domainErrorsMarkdown } from '@meent/server';

t.test('the README lists the domain errors of every context, as their catalogues say', async (t) => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const shown = readme.slice(readme.indexOf('<!-- errors:start -->') + '<!-- errors:start -->'.length, readme.indexOf('<!-- errors:end -->'));
  t.equal(shown.trim(), domainErrorsMarkdown(), 'run `pnpm readme` after changing a catalogue');
});

t.test('an error raised from a catalogue carries its code, status and rule; the case may say more', async (t) => {
  const raise = errorCatalogue({ 'SPEC.REFUSED': { status: 422, message: 'Refused by the rule', rule: 'BW 2:38 lid 1' } });
  const general = raise('SPEC.REFUSED');
  t.ok(general instanceof DomainError);
  t.match(general, { code: 'SPEC.REFUSED', statusCode: 422, message: 'Refused by the rule', rule: 'BW 2:38 lid 1' });
  t.match(raise('SPEC.REFUSED', { message: 'Member 3 is refused', rule: 'BW 2:12' }), {
    code: 'SPEC.REFUSED',
    statusCode: 422,
    message: 'Member 3 is refused',
    rule: 'BW 2:12',
  });
});
