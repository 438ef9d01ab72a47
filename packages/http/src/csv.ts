/** One CSV field: quoted where needed, and defused where a spreadsheet would run it as a formula. */
export function csvField(value: string | null): string {
  const text = value ?? '';
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Numbers are written as they are: a figure Meent computed is never a formula, negative ones included. */
export function csvLine(values: readonly (string | number | null)[]): string {
  return values.map((value) => (typeof value === 'number' ? String(value) : csvField(value))).join(',');
}
