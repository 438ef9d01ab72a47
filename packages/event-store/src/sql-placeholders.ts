/** Statements written with `?` placeholders, SQLite's; PostgreSQL numbers them. Quoted text is left as it is. */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  let quoted = false;
  let result = '';
  for (const character of sql) {
    if (character === "'") quoted = !quoted;
    result += character === '?' && !quoted ? `$${(index += 1)}` : character;
  }
  return result;
}
