// A map as a persistent value for deciders' state: `set` returns a new map and leaves the old one as it was, yet costs
// O(1) instead of a copy — an aggregate with 100,000 entries folds in linear time. Each version shares one log of
// changes and sees those up to its own; setting on an older version (a branch) copies what that version sees.

interface Log<Key, Value> {
  length: number;
  readonly changes: Map<Key, { readonly at: number; readonly value: Value }[]>;
}

export class VersionedMap<Key, Value> {
  private constructor(
    private readonly log: Log<Key, Value>,
    /** Changes numbered below this belong to this version. */
    private readonly version: number,
    readonly size: number,
  ) {}

  static empty<Key, Value>(): VersionedMap<Key, Value> {
    return new VersionedMap<Key, Value>({ length: 0, changes: new Map() }, 0, 0);
  }

  get(key: Key): Value | undefined {
    const history = this.log.changes.get(key);
    if (!history) return undefined;
    for (let index = history.length - 1; index >= 0; index -= 1) {
      const change = history[index]!;
      if (change.at < this.version) return change.value;
    }
    return undefined;
  }

  has(key: Key): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Key, value: Value): VersionedMap<Key, Value> {
    const isNew = !this.has(key);
    const log = this.version === this.log.length ? this.log : this.branch();
    const change = { at: log.length, value };
    const history = log.changes.get(key);
    if (history) history.push(change);
    else log.changes.set(key, [change]);
    log.length += 1;
    return new VersionedMap(log, log.length, this.size + (isNew ? 1 : 0));
  }

  *entries(): Generator<[Key, Value]> {
    for (const key of this.log.changes.keys()) {
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  *values(): Generator<Value> {
    for (const [, value] of this.entries()) yield value;
  }

  private branch(): Log<Key, Value> {
    const changes = new Map<Key, { at: number; value: Value }[]>();
    let length = 0;
    for (const [key, value] of this.entries()) changes.set(key, [{ at: length++, value }]);
    return { length, changes };
  }
}
