/** One CSV field: quoted where needed, and defused where a spreadsheet would run it as a formula. */
export function csvField(value: string | null): string {
  const text = value ?? '';
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly (string | null)[]): string {
  return values.map(csvField).join(',');
}
