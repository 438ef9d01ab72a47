import t from 'tap';
import { canonicalJson, eventHash } from '@meent/eventsourcing';

t.test('keys are sorted at every depth, arrays keep their order, and no whitespace is added', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'é' }], c: true } }),
    '{"a":{"c":true,"d":[3,{"y":"é","z":null}]},"b":1}',
  );
});

t.test('integer-like keys sort as strings, where an object would list them first in numeric order', async (t) => {
  t.equal(canonicalJson({ b: 1, 10: 'ten', 9: 'nine', a: [{ 2: 'x', 1: 'y' }] }), '{"10":"ten","9":"nine","a":[{"1":"y","2":"x"}],"b":1}');
});

t.test('integer-like keys deep inside arrays and objects, and null and arrays beside them, sort the same way', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ 2: 'x', 1: 'y' }, [1, 2]] }), '{"a":[{"1":"y","2":"x"},[1,2]],"b":1}');
  t.equal(canonicalJson({ b: { 10: null, 9: [true, 'x'] }, a: 0 }), '{"a":0,"b":{"10":null,"9":[true,"x"]}}');
  t.equal(canonicalJson([{ b: 2, a: 1 }, null, 'x', 3]), '[{"a":1,"b":2},null,"x",3]');
});

t.test('a key named __proto__ is kept as a key', async (t) => {
  t.equal(canonicalJson(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}')), '{"__proto__":{"a":1,"b":2},"z":1}');
});

t.test('strings are escaped as JSON.stringify escapes them', async (t) => {
  t.equal(canonicalJson({ text: 'quote " backslash \\ newline \n line separator \u2028' }), '{"text":"quote \\" backslash \\\\ newline \\n line separator \u2028"}');
});

t.test('the hash of an event does not depend on the order its keys were written in', async (t) => {
  const event = { stream: 'motion-1', revision: 3, type: 'VoteCast', data: { voterId: 'm-1', choice: 'for', round: 1 } };
  const reordered = { stream: 'motion-1', revision: 3, type: 'VoteCast', data: { round: 1, choice: 'for', voterId: 'm-1' } };
  t.equal(eventHash(event, { eventId: 'e-1', previousHash: null }), eventHash(reordered, { previousHash: null, eventId: 'e-1' }));
  t.not(eventHash(event, { eventId: 'e-1', previousHash: null }), eventHash({ ...event, revision: 4 }, { eventId: 'e-1', previousHash: null }));
});
