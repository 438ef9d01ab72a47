// CSV cells as spreadsheets take them: a formula defused, a phone number or a signed figure left alone, quoting by
// the separator in use, and euros with a decimal comma computed exactly from cents.
import t from 'tap';
import { csvField, CsvTable, eurosWithComma } from '@meent/http';

t.test('only what a spreadsheet would run as a formula is defused', async (t) => {
  for (const formula of ['=SUM(A1:A9)', '@SUM(A1)', '+HYPERLINK("x")', '-2+3*cmd|" /C calc"!A0', '\tab', '\rcarriage']) {
    t.match(csvField(formula), /^"?'/, `${JSON.stringify(formula)} defused`);
  }
  t.equal(csvField('+31 6 1234 5678'), '+31 6 1234 5678', 'a phone number stays as it is');
  t.equal(csvField('+31 (0)20-123.45.67'), '+31 (0)20-123.45.67');
  t.equal(csvField('-12,50'), '"-12,50"', 'a signed figure stays, quoted for its comma');
  t.equal(csvField('Coöperatie "De Meent"'), '"Coöperatie ""De Meent"""');
  t.equal(csvField('a;b', ';'), '"a;b"', 'quoted for the separator in use');
  t.equal(csvField('a,b', ';'), 'a,b');
});

t.test('euros with a decimal comma, exactly', async (t) => {
  t.same([0, 5, 99, 100, 123_456, -123_456, -5, Number.MAX_SAFE_INTEGER].map(eurosWithComma), [
    '0,00',
    '0,05',
    '0,99',
    '1,00',
    '1234,56',
    '-1234,56',
    '-0,05',
    '90071992547409,91',
  ]);
});

t.test('a table with its amounts in euros beside the cents when asked', async (t) => {
  const plain = new CsvTable(['code', 'spent_cents']);
  t.equal(plain.header() + plain.line(['4100', 123_456]), 'code,spent_cents\n4100,123456\n');
  const dutch = new CsvTable(['code', 'spent_cents', 'note'], { separator: 'semicolon', amounts: 'euros-and-cents' });
  t.equal(dutch.header(), 'code;spent_cents;spent_euros;note\n');
  t.equal(dutch.line(['4100', -123_456, null]), '4100;-123456;-1234,56;\n');
});
