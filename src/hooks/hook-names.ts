/** The hookable events by name, and the `app.onX(...)` methods they give the app. */
import { Hooks } from './hooks.js';
import { Hook, type HookHandler } from './hook.js';

/** Names of the hookable events (onRecordCreate, onMailerSend, ...). */
export type HookName = { [K in keyof Hooks]: Hooks[K] extends Hook<infer _E> ? K : never }[keyof Hooks];
export type EventOf<K extends HookName> = Hooks[K] extends Hook<infer E> ? E : never;

/** `app.onX(handler)` for every collection, or `app.onX('posts', handler)` / `app.onX(['a', 'b'], handler)`. */
export type HookMethods = {
  [K in HookName]: {
    (handler: HookHandler<EventOf<K>>): () => void;
    (collections: string | string[], handler: HookHandler<EventOf<K>>): () => void;
  };
};

/** Derived from Hooks itself, so a new event needs no second list. */
export const HOOK_NAMES: HookName[] = Object.entries(new Hooks(() => {
  throw new Error('a name-only Hooks has no app');
})).filter(([, value]) => value instanceof Hook).map(([name]) => name as HookName);
