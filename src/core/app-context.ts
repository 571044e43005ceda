/**
 * What server-side code gets as `app` (hook handlers as `e.app`, route handlers, cron
 * jobs): records, collections, settings, mail, transactions and parameterised SQL.
 * Inside a write's hooks it works within that write's transaction.
 */
import type { GalleyCore } from './galley-core.js';
import type { RecordDeps } from './records/deps.js';
import type { CollectionModel } from './collections/model.js';
import type { Settings } from './settings/settings.js';
import type { Row } from '../store/store.js';
import { closeScope, openScope, type WriteScope } from './records/write-scope.js';
import { RecordsApi } from './records/records-api.js';
import type { Logger } from '../logs/logger.js';

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  html: string;
  text?: string;
  /** Defaults to the sender name and address of the settings. */
  from?: { name?: string; address: string };
}

export class AppContext {
  readonly records: RecordsApi;

  constructor(private readonly core: GalleyCore, private readonly deps: RecordDeps) {
    this.records = new RecordsApi(deps);
  }

  /** Lines to stdout and, by the `logs` settings, to the logs store (`/api/logs`): `app.logger.info('message', { key: value })`. */
  get logger(): Logger {
    return this.core.logger;
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.deps.store.dialect.name;
  }

  /** A collection's definition, or undefined. */
  collection(nameOrId: string): CollectionModel | undefined {
    return this.deps.collections.find(nameOrId)?.model;
  }

  collections(): CollectionModel[] {
    return this.deps.collections.registry.all().map((c) => c.model);
  }

  /** The settings, secrets included (this is server-side code). */
  settings(): Promise<Settings> {
    return this.core.settings.get();
  }

  /** Sends an email through the SMTP settings (and the onMailerSend hooks). */
  async sendMail(mail: OutgoingMail): Promise<void> {
    const settings = await this.core.settings.get();
    await this.core.mailer(settings.smtp).send({
      from: mail.from ?? { name: settings.meta.senderName, address: settings.meta.senderAddress },
      to: (Array.isArray(mail.to) ? mail.to : [mail.to]).map((address) => ({ address })),
      subject: mail.subject,
      html: mail.html,
      ...(mail.text !== undefined ? { text: mail.text } : {}),
    });
  }

  /** Runs fn in one transaction: everything it writes through its `app` lands together or not at all. */
  async transaction<T>(fn: (app: AppContext) => Promise<T>): Promise<T> {
    let scope: WriteScope | undefined;
    const result = await this.deps.store.transaction(async (tx) => {
      scope = openScope(this.deps, tx);
      return fn(new AppContext(this.core, scope.deps));
    });
    await closeScope(this.deps, scope!);
    return result;
  }

  /** Raw SQL with bound parameters (`?` on SQLite, `$1` on PostgreSQL); bypasses hooks and rules. */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const rows = await this.deps.store.all(sql, params);
    // It may have written anything: cached list totals must not outlive it.
    await this.deps.versions?.changedAll();
    return rows;
  }
}
