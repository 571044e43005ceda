/**
 * The LEFT JOINs a filter needs, deduplicated by path so that one path (or one
 * @collection alias) is one joined row in the whole expression, as in PocketBase.
 * A match-all check rebuilds its path in a fresh scope inside NOT EXISTS.
 */
export class AliasCounter {
  private n = 0;
  next(prefix: string): string {
    return `_${prefix}${++this.n}`;
  }
}

export class JoinScope {
  readonly joins: string[] = [];
  private readonly aliases = new Map<string, string>();

  constructor(readonly counter: AliasCounter) {}

  /** The alias of a join, adding it (built by make) the first time its key is seen. */
  join(key: string, prefix: string, make: (alias: string) => string[]): string {
    let alias = this.aliases.get(key);
    if (!alias) {
      alias = this.counter.next(prefix);
      this.aliases.set(key, alias);
      this.joins.push(...make(alias));
    }
    return alias;
  }

  fresh(): JoinScope {
    return new JoinScope(this.counter);
  }

  /** A condition evaluated over this scope's joins (EXISTS when there are any). */
  wrap(condition: string): string {
    if (this.joins.length === 0) return condition;
    return `EXISTS (SELECT 1 FROM (SELECT 1) AS "_base" ${this.joins.join(' ')} WHERE ${condition})`;
  }
}
