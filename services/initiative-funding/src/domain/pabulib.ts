// The pabulib `.pb` format (pabulib.org/format): three sections, META, PROJECTS and VOTES, each a `;`-separated table
// with CSV quoting whose first row names its columns. Pure text in, text out: reading a published instance to recount
// it, and writing a round so anyone can recount it with equalshares.net or pabutools.
import type { PbInstance } from './equal-shares.js';

export interface PbFile {
  readonly meta: Readonly<Record<string, string>>;
  readonly projects: readonly Readonly<Record<string, string>>[];
  readonly votes: readonly Readonly<Record<string, string>>[];
}

export class PbFormatError extends Error {
  constructor(
    message: string,
    /** Where in the file, for the problem details: `META.budget`, `PROJECTS[3].cost`. */
    readonly field: string,
  ) {
    super(message);
    this.name = 'PbFormatError';
  }
}

const SECTIONS = ['META', 'PROJECTS', 'VOTES'] as const;
type Section = (typeof SECTIONS)[number];

/** Splits `;`-separated rows with CSV quoting ("" inside quotes is a quote; a quoted field may span lines). */
function rowsOf(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ';') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      if (row.some((cell) => cell !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  row.push(field);
  if (row.some((cell) => cell !== '')) rows.push(row);
  return rows;
}

export function parsePb(text: string): PbFile {
  const tables: Record<Section, Record<string, string>[]> = { META: [], PROJECTS: [], VOTES: [] };
  let section: Section | null = null;
  let header: string[] | null = null;
  const seen = new Set<Section>();
  // A spreadsheet saving "CSV UTF-8" puts a byte-order mark before the first section's name.
  for (const row of rowsOf(text.replace(/^\uFEFF/, ''))) {
    const name = row.length === 1 ? row[0]!.trim().toUpperCase() : '';
    if ((SECTIONS as readonly string[]).includes(name)) {
      section = name as Section;
      seen.add(section);
      header = null;
      continue;
    }
    if (section === null) throw new PbFormatError('A .pb file begins with its META section', 'META');
    if (header === null) {
      header = row.map((cell) => cell.trim());
      continue;
    }
    tables[section].push(Object.fromEntries(header.map((column, index) => [column, (row[index] ?? '').trim()])));
  }
  for (const required of SECTIONS) {
    if (!seen.has(required)) throw new PbFormatError(`The ${required} section is missing`, required);
  }
  const meta = Object.fromEntries(tables.META.map((entry) => [entry.key ?? '', entry.value ?? '']));
  return { meta, projects: tables.PROJECTS, votes: tables.VOTES };
}

/** A decimal amount of the file's currency as integer cents, exactly: `1234.5` is 123450. */
export function centsOf(amount: string, field: string): number {
  const match = /^(\d+)(?:[.,](\d{1,2})0*)?$/.exec(amount.trim());
  if (!match) throw new PbFormatError(`"${amount}" is not an amount of money`, field);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new PbFormatError(`"${amount}" is out of range`, field);
  return cents;
}

/** Cents back to the file's currency: whole units where it is whole, as pabulib files write them. */
export const amountOf = (cents: number) => (cents % 100 === 0 ? `${cents / 100}` : `${Math.floor(cents / 100)}.${`${cents % 100}`.padStart(2, '0')}`);

const quote = (value: string) => (/[;"\n\r]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value);
const line = (cells: readonly string[]) => cells.map(quote).join(';');

export function writePb(file: PbFile, projectColumns: readonly string[], voteColumns: readonly string[]): string {
  return [
    'META',
    'key;value',
    ...Object.entries(file.meta).map(([key, value]) => line([key, value])),
    'PROJECTS',
    line(projectColumns),
    ...file.projects.map((project) => line(projectColumns.map((column) => project[column] ?? ''))),
    'VOTES',
    line(voteColumns),
    ...file.votes.map((vote) => line(voteColumns.map((column) => vote[column] ?? ''))),
    '',
  ].join('\n');
}

/** `dd.mm.yyyy`, pabulib's date. */
export const pbDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

/** The votes of an approval `.pb` file, in cents, ready to count; each ballot its voter's approved project ids. */
export function instanceOfPb(file: PbFile): PbInstance {
  if ((file.meta.vote_type ?? 'approval') !== 'approval') {
    throw new PbFormatError(`Only approval ballots are counted here, not ${file.meta.vote_type}`, 'META.vote_type');
  }
  const projects = file.projects.map((project, index) => {
    const id = project.project_id;
    if (!id) throw new PbFormatError('A project needs its project_id', `PROJECTS[${index}].project_id`);
    return { id, costCents: centsOf(project.cost ?? '', `PROJECTS[${index}].cost`) };
  });
  const known = new Set(projects.map((project) => project.id));
  const ballots = file.votes.map((vote, index) =>
    (vote.vote ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => {
        if (id === '') return false;
        if (!known.has(id)) throw new PbFormatError(`The vote names ${id}, which is not among the projects`, `VOTES[${index}].vote`);
        return true;
      }),
  );
  return { budgetCents: centsOf(file.meta.budget ?? '', 'META.budget'), projects, ballots };
}
