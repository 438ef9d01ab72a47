import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { EventDefinition, StoredEvent } from './events.js';
import type { SqlExecutor } from './read-model-store.js';

/** Physical names of a projection's tables for one generation; a replay builds the next generation beside it. */
export type TableNames<Table extends string> = Readonly<Record<Table, string>>;

export type ProjectionHandler<Table extends string> = (
  event: StoredEvent,
  transaction: SqlExecutor,
  tables: TableNames<Table>,
) => Promise<void>;

export interface Projection<Table extends string = string> {
  readonly name: string;
  /** Statements creating each table under the physical name given; run once per generation. */
  readonly tables: Readonly<Record<Table, (name: string) => readonly string[]>>;
  readonly handlers: ReadonlyMap<string, ProjectionHandler<Table>>;
  /**
   * Statements creating indexes that only reads use — never one a handler's own statements need. A generation catching
   * up on a long log builds them in one go once it reaches the head, rather than keeping each up to date event by
   * event; one that is caught up keeps them as its tables' own.
   */
  readonly readIndexes: Readonly<Partial<Record<Table, (name: string) => readonly string[]>>>;
  /**
   * Raised by hand when handlers change what they write without the tables changing shape (a column computed another
   * way): like a change of shape, it has the read model rebuilt at the next start.
   */
  readonly revision: number;
}

export interface HandlerEntry<Table extends string> {
  readonly type: string;
  readonly handler: ProjectionHandler<Table>;
}

/** Pairs an event definition with its handler, typing the event's data by the definition's schema. */
export function on<Type extends string, Schema extends z.ZodType, Table extends string>(
  definition: EventDefinition<Type, Schema>,
  handler: (
    event: StoredEvent<Type, z.infer<Schema>>,
    transaction: SqlExecutor,
    tables: TableNames<Table>,
  ) => Promise<void>,
): HandlerEntry<Table> {
  return { type: definition.type, handler: handler as ProjectionHandler<Table> };
}

export function defineProjection<Table extends string>(spec: {
  name: string;
  tables: Record<Table, (name: string) => readonly string[]>;
  handlers: readonly HandlerEntry<NoInfer<Table>>[];
  readIndexes?: Partial<Record<NoInfer<Table>, (name: string) => readonly string[]>>;
  revision?: number;
}): Projection<Table> {
  if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) throw new Error(`projection name ${spec.name} must be snake_case`);
  const handlers = new Map<string, ProjectionHandler<Table>>();
  for (const { type, handler } of spec.handlers) {
    if (handlers.has(type)) throw new Error(`projection ${spec.name} handles ${type} twice`);
    handlers.set(type, handler);
  }
  const readIndexes: Partial<Record<Table, (name: string) => readonly string[]>> = spec.readIndexes ?? {};
  return { name: spec.name, tables: spec.tables, handlers, readIndexes, revision: spec.revision ?? 1 };
}

/**
 * What a generation of the read model is: its tables' statements, the events it handles and its revision. Tables made
 * by code of another shape are not what this code reads and writes, so a process whose shape differs from the serving
 * generation's rebuilds the read model into a fresh one (see `Projections`).
 */
export function projectionShape(projection: Projection): string {
  const statements = (definitions: Readonly<Partial<Record<string, (name: string) => readonly string[]>>>) =>
    Object.entries(definitions)
      .sort(([one], [other]) => one.localeCompare(other))
      .map(([table, create]) => `${table}: ${(create?.(`{${table}}`) ?? []).map((statement) => statement.replace(/\s+/g, ' ').trim()).join(';')}`);
  const tables = statements(projection.tables);
  const readIndexes = statements(projection.readIndexes);
  const handled = [...projection.handlers.keys()].sort();
  // A projection without read indexes keeps the shape it had before they could be declared.
  const shape = readIndexes.length > 0 ? { tables, readIndexes, handled, revision: projection.revision } : { tables, handled, revision: projection.revision };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

export function physicalTableNames<Table extends string>(
  projection: Projection<Table>,
  generation: number,
): TableNames<Table> {
  const names = {} as Record<Table, string>;
  for (const table of Object.keys(projection.tables) as Table[]) {
    names[table] = `${projection.name}_g${generation}_${table}`;
  }
  return names;
}
