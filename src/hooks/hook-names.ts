/** The hookable events by name, and the `app.onX(...)` methods they give the app. */
import type { Hooks } from './hooks.js';
import type { Hook, HookHandler } from './hook.js';

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

export const HOOK_NAMES: HookName[] = [
  'onRecordCreate', 'onRecordUpdate', 'onRecordDelete',
  'onRecordAfterCreateSuccess', 'onRecordAfterUpdateSuccess', 'onRecordAfterDeleteSuccess',
  'onRecordAfterCreateError', 'onRecordAfterUpdateError', 'onRecordAfterDeleteError',
  'onRecordsListRequest', 'onRecordViewRequest', 'onRecordCreateRequest', 'onRecordUpdateRequest', 'onRecordDeleteRequest',
  'onRecordAuthRequest', 'onFileDownloadRequest', 'onFileTokenRequest', 'onMailerSend', 'onRealtimeConnectRequest', 'onRealtimeSubscribeRequest', 'onRealtimeMessageSend',
  'onServe', 'onTerminate',
];

