import t from 'tap';
import { numberPlaceholders } from '@meent/eventsourcing';

t.test('numbers SQLite placeholders for PostgreSQL, leaving quoted text alone', async (t) => {
  t.equal(numberPlaceholders('SELECT * FROM t WHERE a = ? AND b = ?'), 'SELECT * FROM t WHERE a = $1 AND b = $2');
  t.equal(
    numberPlaceholders("SELECT '?' AS q, x FROM t WHERE lower(n) LIKE ? ESCAPE '\\' AND y = ?"),
    "SELECT '?' AS q, x FROM t WHERE lower(n) LIKE $1 ESCAPE '\\' AND y = $2",
  );
});
