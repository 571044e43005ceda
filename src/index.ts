/**
 * Galley as a library. `createApp()` is the public API: register hooks, routes and
 * jobs, then `start()`. The same app object is what `galley_hooks/*.ts` files receive.
 */
export { createApp, GalleyApp, type GalleyOptions, type HookName, type CronHandler } from './app/galley-app.js';
export type { AppContext, OutgoingMail } from './core/app-context.js';
export type { RecordsApi, ListOptions } from './core/records/records-api.js';
export type { RouteEvent, RouteHandler } from './app/route-event.js';
export type { HookHandler } from './hooks/hook.js';
export type { ChatMessage, ChatUsage } from './ai/chat-model.js';
export type { Passage } from './ai/retrieve-passages.js';
export type * from './hooks/events.js';
export type { CollectionModel } from './core/collections/model.js';
export type { MigrationContext, MigrationCollections } from './migrations/context.js';
export { ApiError, fieldError } from './core/errors.js';
// Lower level: the core and the HTTP app, for programs that assemble Galley themselves.
export { GalleyCore } from './core/galley-core.js';
export { buildApp } from './server/app.js';
export { resolveConfig, type GalleyConfig } from './config.js';
