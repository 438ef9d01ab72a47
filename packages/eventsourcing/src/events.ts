// Event definitions: each event type's name, current version, data schema and upcasters from older versions.
import { z } from 'zod';
import type { EventToAppend, JsonObject, RecordedEvent } from '@meent/event-store';

export const actorSchema = z.object({
  id: z.string().min(1),
  roles: z.array(z.string()),
});
export type Actor = z.infer<typeof actorSchema>;

export const eventMetadataSchema = z.object({
  eventId: z.string(),
  cooperativeId: z.string(),
  actor: actorSchema,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  occurredAt: z.iso.datetime(),
  schemaVersion: z.number().int().positive(),
  /** The hash of the stream's previous event (null for its first), and this event's own: see tamper-evidence.ts. */
  previousHash: z.string().nullable().optional(),
  hash: z.string().optional(),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/** Turns data stored under `version` into the shape of `version + 1`. */
export type Upcaster = (data: JsonObject) => JsonObject;

export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly type: Type;
  readonly version: number;
  readonly schema: Schema;
  /** Keyed by the version they upcast from. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** What of the event is the context's own bookkeeping, never shown outside it (see `defineEvent`). */
  readonly withheld: Withheld;
  /** Applying it removes personal data from read models: a store that keeps old pages on disk must forget them. */
  readonly erasesPersonalData: boolean;
  /** Builds the event a decider returns, typed by the schema. */
  (data: z.infer<Schema>): DomainEvent<Type, z.infer<Schema>>;
  /** Whether an event read back (decoded, so validated) is of this type, narrowing its data. */
  is<Event extends DomainEvent>(event: Event): event is Event & DomainEvent<Type, z.infer<Schema>>;
}

export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** An event read back from the store: upcast to its current version and validated. */
export interface StoredEvent<Type extends string = string, Data = unknown> extends DomainEvent<Type, Data> {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly metadata: EventMetadata;
}

export type EventOf<Definition> = Definition extends EventDefinition<infer Type, infer Schema>
  ? DomainEvent<Type, z.infer<Schema>>
  : never;

/**
 * Bookkeeping a history, export or seal must not show: a whole event (an index kept only to enforce uniqueness), or
 * some fields (a blind index). Shown, they could tie what a person once gave to a member erased since.
 */
export interface Withheld {
  readonly event: boolean;
  readonly fields: readonly string[];
}

export function defineEvent<const Type extends string, Schema extends z.ZodType>(
  type: Type,
  options: {
    version?: number;
    schema: Schema;
    upcasters?: Record<number, Upcaster>;
    withheld?: true | readonly string[];
    erasesPersonalData?: true;
  },
): EventDefinition<Type, Schema> {
  const withheld: Withheld =
    options.withheld === true ? { event: true, fields: [] } : { event: false, fields: options.withheld ?? [] };
  const version = options.version ?? 1;
  const upcasters = options.upcasters ?? {};
  for (let from = 1; from < version; from += 1) {
    if (!upcasters[from]) throw new Error(`${type} v${version} has no upcaster from v${from}`);
  }
  const create = (data: z.infer<Schema>): DomainEvent<Type, z.infer<Schema>> => ({ type, data });
  const erasesPersonalData = options.erasesPersonalData ?? false;
  const is = <Event extends DomainEvent>(event: Event): event is Event & DomainEvent<Type, z.infer<Schema>> => event.type === type;
  return Object.assign(create, { type, version, schema: options.schema, upcasters, withheld, erasesPersonalData, is });
}

export class EventDecodingError extends Error {
  override readonly name = 'EventDecodingError';
  constructor(
    readonly event: Pick<RecordedEvent, 'stream' | 'revision' | 'position' | 'type'>,
    reason: string,
  ) {
    super(`${event.type} at ${event.stream}@${event.revision} (position ${event.position}): ${reason}`);
  }
}

/** The events a process knows: decodes what it reads back and encodes what it appends. */
export class EventRegistry {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(definitions: Iterable<EventDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): void {
    const known = this.definitions.get(definition.type);
    if (known && known !== definition) throw new Error(`event type ${definition.type} is defined twice`);
    this.definitions.set(definition.type, definition);
  }

  knows(type: string): boolean {
    return this.definitions.has(type);
  }

  /** Every event type it knows, in the order they were registered. */
  types(): string[] {
    return [...this.definitions.keys()];
  }

  /** Whether events of this type are bookkeeping no history, export or seal shows. */
  isWithheld(type: string): boolean {
    return this.definitions.get(type)?.withheld.event ?? false;
  }

  /** Whether applying events of this type removes personal data from read models. */
  erasesPersonalData(type: string): boolean {
    return this.definitions.get(type)?.erasesPersonalData ?? false;
  }

  /** The event's data as it may be shown: without the fields its definition withholds. */
  shownData(event: DomainEvent): unknown {
    const fields = this.definitions.get(event.type)?.withheld.fields ?? [];
    if (fields.length === 0 || event.data === null || typeof event.data !== 'object') return event.data;
    return Object.fromEntries(Object.entries(event.data).filter(([key]) => !fields.includes(key)));
  }

  /** Upcasts and validates data and metadata; an event of a type this process does not know is an error. */
  decode(recorded: RecordedEvent): StoredEvent {
    const definition = this.definitions.get(recorded.type);
    if (!definition) throw new EventDecodingError(recorded, 'unknown event type');
    const metadata = eventMetadataSchema.safeParse(recorded.metadata);
    if (!metadata.success) throw new EventDecodingError(recorded, `metadata: ${z.prettifyError(metadata.error)}`);
    const storedVersion = metadata.data.schemaVersion;
    if (storedVersion > definition.version) {
      throw new EventDecodingError(recorded, `stored as v${storedVersion}, this process knows up to v${definition.version}`);
    }
    let data = recorded.data;
    for (let version = storedVersion; version < definition.version; version += 1) {
      const upcast = definition.upcasters[version];
      if (!upcast) throw new EventDecodingError(recorded, `no upcaster from v${version}`);
      data = upcast(data);
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new EventDecodingError(recorded, `data: ${z.prettifyError(parsed.error)}`);
    return {
      id: recorded.id,
      stream: recorded.stream,
      revision: recorded.revision,
      position: recorded.position,
      type: recorded.type,
      data: parsed.data,
      metadata: { ...metadata.data, schemaVersion: definition.version },
    };
  }

  encode(event: DomainEvent, metadata: Omit<EventMetadata, 'schemaVersion' | 'previousHash' | 'hash'>): EventToAppend {
    const definition = this.definitions.get(event.type);
    if (!definition) throw new Error(`event type ${event.type} is not registered`);
    // Validating on the way in keeps a decider bug from ever reaching the log.
    const data = definition.schema.parse(event.data) as JsonObject;
    return {
      id: metadata.eventId,
      type: event.type,
      data,
      metadata: { ...metadata, schemaVersion: definition.version },
    };
  }
}
