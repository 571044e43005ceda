/**
 * One hookable event: an ordered chain of async handlers around a default action.
 * Each handler gets the event and continues the chain with `await e.next()`; code
 * before that call runs before the default action, code after it runs after. A
 * handler that throws (an ApiError for the client) stops the chain and the action;
 * one that returns without calling `next()` skips the rest, action included.
 * Handlers may be limited to some collections (by name or id), as in PocketBase.
 */
import { traced } from '../tracing/tracing.js';

export type HookHandler<E> = (e: E & { next(): Promise<void> }) => Promise<void> | void;

interface Binding<E> {
  handler: HookHandler<E>;
  /** Collection names or ids; empty for every collection. */
  tags: string[];
}

export class Hook<E> {
  private bindings: Binding<E>[] = [];
  /** The event name (`onRecordCreate`), set by Hooks; names the handlers' trace spans. */
  name = 'hook';

  /** Adds a handler (after the existing ones); returns a function that removes it. */
  bind(handler: HookHandler<E>, tags: string[] = []): () => void {
    const binding = { handler, tags };
    this.bindings = [...this.bindings, binding];
    return () => {
      this.bindings = this.bindings.filter((b) => b !== binding);
    };
  }

  /** True when no handler would run for these tags: callers skip building the event. */
  isEmpty(tags: readonly string[] = []): boolean {
    return !this.bindings.some((b) => matches(b, tags));
  }

  /** Runs the matching handlers in order, then `action` (when the chain gets there). */
  async trigger(event: E, action: (e: E) => Promise<void> | void = () => {}, tags: readonly string[] = []): Promise<void> {
    const chain = this.bindings.filter((b) => matches(b, tags));
    const run = async (i: number): Promise<void> => {
      if (i === chain.length) {
        await action(event);
        return;
      }
      let called = false;
      const next = () => {
        if (called) return Promise.resolve(); // a second next() is a no-op, not a second action
        called = true;
        return run(i + 1);
      };
      // One event object for the whole chain (handlers see each other's changes); `next`
      // is this handler's while it runs, restored when a later handler's part is done.
      const e = event as E & { next(): Promise<void> };
      const previous = e.next;
      e.next = next;
      try {
        const handler = chain[i]!.handler;
        await traced(`hook ${this.name}`, { 'galley.hook.event': this.name, 'galley.hook.index': i }, async () => handler(e));
      } finally {
        e.next = previous;
      }
    };
    await run(0);
  }
}

function matches<E>(b: Binding<E>, tags: readonly string[]): boolean {
  return b.tags.length === 0 || b.tags.some((t) => tags.includes(t));
}
