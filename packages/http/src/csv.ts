// CSV as spreadsheets read it, Dutch ones included: UTF-8 with a byte-order mark (so "Coöperatie" stays itself), a
// semicolon between fields when asked (a spreadsheet set to a decimal comma expects one), amounts in euros with a
// decimal comma beside the cents when asked, and a guard only before what a spreadsheet would run as a formula.
import { z } from 'zod';

/** Put before a CSV body: the byte-order mark by which spreadsheets know the file is UTF-8. */
export const UTF8_BOM = '\uFEFF';

export const csvOptionsQuery = z.object({
  /** `semicolon` for a spreadsheet set to a decimal comma, as Dutch ones are. */
  separator: z.enum(['comma', 'semicolon']).default('comma'),
  /** `euros-and-cents`: beside each amount in cents (a `_cents` column), the same in euros with a decimal comma. */
  amounts: z.enum(['cents', 'euros-and-cents']).default('cents'),
});
export type CsvOptions = z.infer<typeof csvOptionsQuery>;

const DEFAULT_OPTIONS: CsvOptions = { separator: 'comma', amounts: 'cents' };

/**
 * A text a spreadsheet would take for a formula: one starting with `=`, `@`, a tab or a carriage return, or with `+` or
 * `-` followed by more than a number could hold. A phone number (`+31 6 1234 5678`) or a signed figure stays as it is.
 */
function wouldRun(text: string): boolean {
  if (/^[=@\t\r]/.test(text)) return true;
  return /^[+-]/.test(text) && !/^[+-][\d\s().,/-]*$/.test(text);
}

/** One CSV field: quoted where needed, and defused where a spreadsheet would run it as a formula. */
export function csvField(value: string | null, separator = ','): string {
  const text = value ?? '';
  const safe = wouldRun(text) ? `'${text}` : text;
  return safe.includes(separator) || /["\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Numbers are written as they are: a figure Meent computed is never a formula, negative ones included. */
export function csvLine(values: readonly (string | number | null)[], separator = ','): string {
  return values.map((value) => (typeof value === 'number' ? String(value) : csvField(value, separator))).join(separator);
}

/** Whole cents as euros with a decimal comma, exactly: -123456 is "-1234,56". */
export function eurosWithComma(cents: number): string {
  const whole = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(whole / 100)},${String(whole % 100).padStart(2, '0')}`;
}

/** A table's header and lines, as the options ask: each `_cents` column followed by its `_euros` one when wanted. */
export class CsvTable {
  private readonly separator: string;
  private readonly amountColumns: ReadonlySet<number>;

  constructor(
    private readonly columns: readonly string[],
    options: CsvOptions = DEFAULT_OPTIONS,
  ) {
    this.separator = options.separator === 'semicolon' ? ';' : ',';
    this.amountColumns = new Set(options.amounts === 'euros-and-cents' ? columns.flatMap((column, index) => (column.endsWith('_cents') ? [index] : [])) : []);
  }

  /** The header line, with its line break. */
  header(): string {
    const names = this.columns.flatMap((column, index) => (this.amountColumns.has(index) ? [column, column.replace(/_cents$/, '_euros')] : [column]));
    return `${csvLine(names, this.separator)}\n`;
  }

  /** One row's line, with its line break. */
  line(values: readonly (string | number | null)[]): string {
    const cells = values.flatMap((value, index) => {
      if (!this.amountColumns.has(index)) return [value];
      return [value, typeof value === 'number' ? eurosWithComma(value) : null];
    });
    return `${csvLine(cells, this.separator)}\n`;
  }
}
