import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { EventDefinition, StoredEvent } from './events.js';
import type { SqlExecutor, SqlValue } from './read-model-store.js';

/** Physical names of a projection's tables for one generation; a replay builds the next generation beside it. */
export type TableNames<Table extends string> = Readonly<Record<Table, string>>;

/** What a handler writes with: the transaction of the batch its event is in. */
export interface ProjectionTransaction extends SqlExecutor {
  /**
   * Adds `amounts` to the sums kept in `table`'s row of `key` (a row made at zero when there is none; `key` names the
   * columns of the table's primary key). What the batch adds to a row is added up in memory and written once, when the
   * batch ends: a batch of a replay touches the same few rows again and again. Handlers never read these sums back.
   */
  addToSums(table: string, key: Readonly<Record<string, SqlValue>>, amounts: Readonly<Record<string, number>>): void;
  /**
   * What the batch holds back under `name` to write once: made by `open` the first time a handler asks, handed to
   * `write` once all the batch's events are applied — rows a later event of the batch may still change are written as
   * they end up, rather than written and then updated. Handlers reading such rows look in it first; `write` must leave
   * it empty, so that a handler may also write it early.
   */
  held<State>(name: string, open: () => State, write: (state: State) => Promise<void>): State;
}

export type ProjectionHandler<Table extends string> = (
  event: StoredEvent,
  transaction: ProjectionTransaction,
  tables: TableNames<Table>,
) => Promise<void>;

/**
 * A batch's transaction for its handlers: what they hold back and the sums they add are kept until `end`, which the
 * batch calls once all its events are applied.
 */
export function batchTransaction(transaction: SqlExecutor): ProjectionTransaction & { end(): Promise<void> } {
  const sums = new Map<string, { table: string; key: Readonly<Record<string, SqlValue>>; amounts: Record<string, number> }>();
  const held = new Map<string, { readonly state: unknown; readonly write: () => Promise<void> }>();
  return {
    run: (sql, parameters) => transaction.run(sql, parameters),
    get: (sql, parameters) => transaction.get(sql, parameters),
    all: (sql, parameters) => transaction.all(sql, parameters),
    insertRows: (table, columns, rows) => transaction.insertRows(table, columns, rows),
    addToSums(table, key, amounts) {
      // A table's rows are named by the values of its primary key's columns, the same columns every time: each value
      // with its type and length, so that no two keys read alike (null, '' and 0 among them).
      let row = table;
      for (const value of Object.values(key)) row += ` ${typeof value} ${String(value).length}:${value}`;
      const kept = sums.get(row);
      if (!kept) {
        sums.set(row, { table, key, amounts: { ...amounts } });
        return;
      }
      for (const [column, amount] of Object.entries(amounts)) kept.amounts[column] = (kept.amounts[column] ?? 0) + amount;
    },
    held<State>(name: string, open: () => State, write: (state: State) => Promise<void>): State {
      const kept = held.get(name);
      if (kept) return kept.state as State;
      const state = open();
      held.set(name, { state, write: () => write(state) });
      return state;
    },
    async end() {
      for (const { write } of held.values()) await write();
      for (const { table, key, amounts } of sums.values()) {
        const keys = Object.keys(key);
        const added = Object.keys(amounts);
        const columns = [...keys, ...added];
        await transaction.run(
          `INSERT INTO ${table} AS kept (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
           ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${added.map((column) => `${column} = kept.${column} + excluded.${column}`).join(', ')}`,
          [...Object.values(key), ...Object.values(amounts)],
        );
      }
      sums.clear();
    },
  };
}

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
    transaction: ProjectionTransaction,
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
