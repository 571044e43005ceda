/**
 * Every hookable event of one Galley instance, and the record lifecycle built on
 * them: `onRecordCreate`/`Update`/`Delete` run around the statement inside the write
 * transaction, `onRecordAfter*Success` after the outermost commit (driven by the
 * committed changes, so a write nested in a hook or a batch waits for the real
 * commit), `onRecordAfter*Error` after a failed write.
 */
import type { Collection } from '../core/collections/collection.js';
import type { RecordDeps } from '../core/records/deps.js';
import type { RecordChange } from '../core/records/record-changes.js';
import type { LifecycleAction, RecordLifecycle } from '../core/records/record-lifecycle.js';
import { rowToValues } from '../core/records/serialize.js';
import type { AppContext } from '../core/app-context.js';
import { Hook } from './hook.js';
import type {
  AskRequestEvent, FileDownloadRequestEvent, FileTokenRequestEvent, MailerEvent, RealtimeConnectEvent, RealtimeMessageEvent, RealtimeSubscribeEvent, RecordAfterEvent, RecordAuthRequestEvent,
  RecordEvent, RecordRequestEvent, ServeEvent, TerminateEvent, RecordValues,
} from './events.js';

const tagsOf = (c: Collection) => [c.name, c.id];

export class Hooks implements RecordLifecycle {
  readonly onRecordCreate = new Hook<RecordEvent>();
  readonly onRecordUpdate = new Hook<RecordEvent>();
  readonly onRecordDelete = new Hook<RecordEvent>();
  readonly onRecordAfterCreateSuccess = new Hook<RecordAfterEvent>();
  readonly onRecordAfterUpdateSuccess = new Hook<RecordAfterEvent>();
  readonly onRecordAfterDeleteSuccess = new Hook<RecordAfterEvent>();
  readonly onRecordAfterCreateError = new Hook<RecordAfterEvent>();
  readonly onRecordAfterUpdateError = new Hook<RecordAfterEvent>();
  readonly onRecordAfterDeleteError = new Hook<RecordAfterEvent>();

  readonly onRecordsListRequest = new Hook<RecordRequestEvent>();
  readonly onRecordViewRequest = new Hook<RecordRequestEvent>();
  readonly onRecordCreateRequest = new Hook<RecordRequestEvent>();
  readonly onRecordUpdateRequest = new Hook<RecordRequestEvent>();
  readonly onRecordDeleteRequest = new Hook<RecordRequestEvent>();
  readonly onRecordAuthRequest = new Hook<RecordAuthRequestEvent>();
  readonly onFileDownloadRequest = new Hook<FileDownloadRequestEvent>();
  readonly onFileTokenRequest = new Hook<FileTokenRequestEvent>();
  readonly onAskRequest = new Hook<AskRequestEvent>();

  readonly onMailerSend = new Hook<MailerEvent>();
  readonly onRealtimeConnectRequest = new Hook<RealtimeConnectEvent>();
  readonly onRealtimeSubscribeRequest = new Hook<RealtimeSubscribeEvent>();
  readonly onRealtimeMessageSend = new Hook<RealtimeMessageEvent>();
  readonly onServe = new Hook<ServeEvent>();
  readonly onTerminate = new Hook<TerminateEvent>();

  /** `appFor(deps)`: the AppContext handlers get, working through those deps. */
  constructor(private readonly appFor: (deps?: RecordDeps) => AppContext) {
    // Each hook learns its event name (for its trace spans).
    for (const [name, value] of Object.entries(this)) if (value instanceof Hook) value.name = name;
  }

  private before(action: LifecycleAction) {
    return action === 'create' ? this.onRecordCreate : action === 'update' ? this.onRecordUpdate : this.onRecordDelete;
  }

  private success(action: LifecycleAction) {
    return action === 'create' ? this.onRecordAfterCreateSuccess : action === 'update' ? this.onRecordAfterUpdateSuccess : this.onRecordAfterDeleteSuccess;
  }

  private error(action: LifecycleAction) {
    return action === 'create' ? this.onRecordAfterCreateError : action === 'update' ? this.onRecordAfterUpdateError : this.onRecordAfterDeleteError;
  }

  // --- RecordLifecycle (called by the record writers) ---

  has(action: LifecycleAction, collection: Collection): boolean {
    return !this.before(action).isEmpty(tagsOf(collection));
  }

  async around(
    action: LifecycleAction, collection: Collection, record: RecordValues, original: RecordValues | undefined,
    deps: RecordDeps, execute: (record: RecordValues) => Promise<void>,
  ): Promise<RecordValues> {
    const event = new LifecycleEvent(() => this.appFor(deps), collection.model, record, original);
    await this.before(action).trigger(event, (e) => execute(e.record), tagsOf(collection));
    return event.record;
  }

  async failed(action: LifecycleAction, collection: Collection, record: RecordValues, error: unknown): Promise<void> {
    const hook = this.error(action);
    if (hook.isEmpty(tagsOf(collection))) return;
    await hook.trigger({ app: this.appFor(), collection: collection.model, record, error }, undefined, tagsOf(collection));
  }

  /** After the outermost commit: the success hooks of every change, in order. */
  async committed(changes: RecordChange[]): Promise<void> {
    for (const change of changes) {
      const hook = this.success(change.action);
      const tags = tagsOf(change.collection);
      if (hook.isEmpty(tags)) continue;
      const record = rowToValues(change.collection, change.row);
      await hook.trigger({ app: this.appFor(), collection: change.collection.model, record }, undefined, tags);
    }
  }
}

/** A class with a lazy `app`: most handlers never touch it, and this runs on every write. */
class LifecycleEvent implements RecordEvent {
  private context: AppContext | undefined;
  /** Set by the hook chain; declared so every event has the same shape. */
  next: () => Promise<void> = () => Promise.resolve();
  constructor(
    private readonly makeApp: () => AppContext,
    readonly collection: RecordEvent['collection'],
    public record: RecordValues,
    readonly original: RecordValues | undefined,
  ) {}

  get app(): AppContext {
    return (this.context ??= this.makeApp());
  }
}
