/**
 * The events hook handlers receive. Names and shapes follow PocketBase's JS hooks
 * (onRecordCreate, onRecordAfterCreateSuccess, onRecordCreateRequest, onMailerSend, ...)
 * so its documentation maps over; records are plain objects of field values.
 */
import type { CollectionModel } from '../core/collections/model.js';
import type { MailMessage } from '../mail/mailer.js';
import type { AppContext } from '../core/app-context.js';
import type { ChatMessage, ChatUsage } from '../ai/chat-model.js';
import type { Passage } from '../ai/retrieve-passages.js';

export type RecordValues = Record<string, unknown>;

/** Who made a request: the signed-in record (all fields) or null for guests. */
export interface EventAuth {
  record: RecordValues | null;
  collectionName: string | null;
  isSuperuser: boolean;
}

export interface EventRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  params: Record<string, string>;
}

/**
 * Around a record's INSERT/UPDATE/DELETE, inside its transaction: code before
 * `await e.next()` may change `e.record` (validated again before the statement);
 * throwing rolls the whole write back. `e.app` works inside the same transaction.
 */
export interface RecordEvent {
  app: AppContext;
  collection: CollectionModel;
  record: RecordValues;
  /** The stored record before an update. */
  original?: RecordValues;
}

/** After the commit (onRecordAfter*Success), or after a failed write (onRecordAfter*Error, with `error`). */
export interface RecordAfterEvent {
  app: AppContext;
  collection: CollectionModel;
  record: RecordValues;
  error?: unknown;
}

/**
 * Around a records route (onRecordsListRequest, onRecordViewRequest, onRecordCreateRequest,
 * onRecordUpdateRequest, onRecordDeleteRequest). Before `e.next()`: `e.body` (create,
 * update) may be changed; after it: `e.record` / `e.result` is the response and may be
 * changed too. Without `e.next()` the route answers 204.
 */
export interface RecordRequestEvent {
  app: AppContext;
  collection: CollectionModel;
  auth: EventAuth;
  request: EventRequest;
  recordId?: string;
  body?: RecordValues;
  record?: RecordValues;
  result?: { items: RecordValues[]; page: number; perPage: number; totalItems: number; totalPages: number };
}

/** Before an auth response is sent (password, OTP, OAuth2, refresh, impersonate): `e.response` may be changed. */
export interface RecordAuthRequestEvent {
  app: AppContext;
  collection: CollectionModel;
  request: EventRequest;
  record: RecordValues;
  method: string;
  response: Record<string, unknown>;
}

/** Before a file download is served (after the access checks): throw to refuse, or skip `e.next()` for a 404. */
export interface FileDownloadRequestEvent {
  app: AppContext;
  collection: CollectionModel;
  record: RecordValues;
  /** The file field holding the file. */
  field: string;
  filename: string;
  /** The requested thumb size, if any. */
  thumb: string;
  request: EventRequest;
}

/** `POST /api/files/token`: `e.token` is set by `e.next()`; throw to refuse. */
export interface FileTokenRequestEvent {
  app: AppContext;
  auth: EventAuth;
  request: EventRequest;
  token?: string;
}

/**
 * `POST /api/collections/{c}/ask` (docs/ai.md), after retrieval, before the chat model
 * is called. Before `e.next()` a handler may change `e.passages` (what the model is given
 * and what is cited; the messages are rebuilt from them unless the handler also changed
 * `e.messages`), `e.messages` (the prompt as sent) and `e.model` (the call). `e.next()`
 * calls the model and sets `e.answer` and `e.usage`; after it, a non-streamed answer may
 * be changed. To answer without the model, set `e.answer` and skip `e.next()`; skipping it
 * without an answer refuses the request (403); throwing an ApiError answers with it.
 */
export interface AskRequestEvent {
  app: AppContext;
  collection: CollectionModel;
  auth: EventAuth;
  request: EventRequest;
  question: string;
  /** The vector field searched. */
  field: string;
  passages: Passage[];
  messages: ChatMessage[];
  model: { name: string; maxOutputTokens: number; temperature: number };
  /** True for a streamed answer (its text is sent as the model writes it). */
  stream: boolean;
  answer?: string;
  usage?: ChatUsage;
}

/** Every email Galley sends: change `e.message`, or return without `e.next()` to cancel it. */
export interface MailerEvent {
  app: AppContext;
  message: MailMessage;
}

export interface RealtimeConnectEvent {
  app: AppContext;
  clientId: string;
  request: EventRequest;
}

export interface RealtimeSubscribeEvent {
  app: AppContext;
  clientId: string;
  auth: EventAuth;
  /** The topics being set; may be changed. */
  subscriptions: string[];
}

/** One realtime message to one client: change `e.data`, or skip `e.next()` to drop it. */
export interface RealtimeMessageEvent {
  app: AppContext;
  clientId: string;
  topic: string;
  data: string;
}

export interface ServeEvent {
  app: AppContext;
  /** The base URL the server listens on. */
  url: string;
}

export interface TerminateEvent {
  app: AppContext;
}
