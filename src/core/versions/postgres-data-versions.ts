/**
 * Data versions shared by every instance on one PostgreSQL database: one sequence per
 * collection (`_v_<collection id>`) and `_v___all__` for writes Galley cannot attribute.
 * Sequences are not transactional and take no lock a writer could wait on, so moving
 * one after a commit costs a short round trip (shared by the writes that commit while
 * the previous move is on its way); reading the versions a query depends on is one
 * more, far cheaper than the COUNT it can save. A sequence is created the first time
 * it is needed.
 *
 * Changes to announced collections (auth collections: their records sign requests in
 * and are cached per token) are also NOTIFYed in the same statement, and every
 * instance keeps a mirror of those in memory, so a token can be checked without a
 * round trip and still be refused on every instance once its record changed.
 */
import type { Store } from '../../store/store.js';
import { quoteIdent } from '../../store/dialect.js';
import { ALL, VERSIONS_CHANNEL, type DataVersions } from './data-versions.js';
import { LocalDataVersions } from './local-data-versions.js';


const NAME = `quote_ident('_v_' || id)::regclass`;
const READ = `SELECT string_agg(coalesce(pg_sequence_last_value(${NAME}), 0)::text, ':' ORDER BY n) AS "stamp" FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`;
const MOVE = `SELECT count(nextval(${NAME})) AS "n" FROM unnest($1::text[]) AS t(id)`;
const MOVE_AND_ANNOUNCE = `WITH "moved" AS (${MOVE}) SELECT "n", pg_notify('${VERSIONS_CHANNEL}', $2) AS "sent" FROM "moved"`;
const UNDEFINED_TABLE = '42P01';

export class PostgresDataVersions implements DataVersions {
  /** What this instance heard of announced collections; trusted only while listening. */
  private readonly mirror = new LocalDataVersions();
  private listening = false;
  /** The listener's sync (VersionListener.sync), set once it listens. */
  heardOwn: (() => Promise<void>) | undefined;

  /** Moves after commits (changed): the one gathering ids, not yet sent, and the last
   * one sent or queued (never rejects). */
  private gathering: MoveBatch | undefined;
  private lastMove: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, private readonly announced: (collectionId: string) => boolean) {}

  localStamp(collectionIds: readonly string[]): string | undefined {
    if (!this.listening || !collectionIds.every(this.announced)) return undefined;
    return this.mirror.stamp(collectionIds);
  }

  /** Heard from another instance (or this one's own announcement coming back). */
  heard(collectionIds: readonly string[]): void {
    if (collectionIds.includes(ALL)) this.mirror.changedAll();
    this.mirror.changed(collectionIds);
  }

  /** The listener's connection: while it is down, announcements may be missed. */
  listenerConnected(connected: boolean): void {
    this.mirror.changedAll();
    this.listening = connected;
  }

  async stamp(collectionIds: readonly string[]): Promise<string> {
    const ids = [ALL, ...collectionIds];
    const row = await this.withSequences(ids, () => this.store.get(READ, [ids]));
    return String(row?.stamp ?? '');
  }

  /**
   * After a write's commit. Moves are sent one at a time, like a group commit: while one
   * is on its way, the writes that commit meanwhile gather in the next and share its
   * round trip (under load, one move for many creates instead of one each). Each write
   * still waits for a move sent after its own commit, which keeps cached totals exact.
   */
  changed(collectionIds: readonly string[]): Promise<void> {
    if (!collectionIds.length) return Promise.resolve();
    const announce = collectionIds.filter(this.announced);
    this.mirror.changed(announce);
    const batch = (this.gathering ??= this.nextMove());
    for (const id of collectionIds) batch.ids.add(id);
    for (const id of announce) batch.announce.add(id);
    return batch.sent;
  }

  private nextMove(): MoveBatch {
    const batch: MoveBatch = { ids: new Set(), announce: new Set(), sent: Promise.resolve() };
    batch.sent = this.lastMove.then(() => {
      this.gathering = undefined;
      return this.move([...batch.ids], [...batch.announce]);
    });
    this.lastMove = batch.sent.catch(() => undefined);
    return batch;
  }

  private async move(collectionIds: string[], announce: string[]): Promise<void> {
    await this.withSequences(collectionIds, () => announce.length
      ? this.store.get(MOVE_AND_ANNOUNCE, [collectionIds, JSON.stringify(announce)])
      : this.store.get(MOVE, [collectionIds]));
    if (announce.length) await this.heardOwn?.();
  }

  commitStatement(collectionIds: readonly string[]): string {
    const ids = collectionIds.map((id) => (id === '*' ? ALL : id));
    // No parameters with COMMIT: the ids are checked identifiers, quoted as literals.
    const list = ids.map(literal).join(', ');
    const move = `SELECT count(nextval(r)) FROM (SELECT to_regclass(quote_ident('_v_' || id)) AS r FROM unnest(ARRAY[${list}]::text[]) AS t(id)) AS s WHERE r IS NOT NULL`;
    const announce = ids.filter((id) => id === ALL || this.announced(id));
    return announce.length ? `${move}; SELECT pg_notify('${VERSIONS_CHANNEL}', ${literal(JSON.stringify(announce))})` : move;
  }

  /**
   * An announced change is acknowledged only once this instance's listener heard it
   * back: the others were signalled at the same moment, so a client that goes on to
   * another instance finds the token it used already refused there.
   */
  async movedWithCommit(collectionIds: readonly string[]): Promise<void> {
    const all = collectionIds.includes('*') || collectionIds.includes(ALL);
    if (all) this.mirror.changedAll();
    const announced = collectionIds.filter(this.announced);
    this.mirror.changed(announced);
    if (all || announced.length) await this.heardOwn?.();
  }

  async changedAll(): Promise<void> {
    this.mirror.changedAll();
    await this.withSequences([ALL], () => this.store.get(MOVE_AND_ANNOUNCE, [[ALL], JSON.stringify([ALL])]));
    await this.heardOwn?.();
  }

  private async withSequences<T>(ids: readonly string[], query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
      await this.create(ids);
      return query();
    }
  }

  private async create(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      // DDL takes no parameters: the name is a checked identifier (quoteIdent).
      await this.store.exec(`CREATE SEQUENCE IF NOT EXISTS ${quoteIdent(`_v_${id}`)}`).catch(() => {
        // Another instance created it at the same moment (IF NOT EXISTS is not atomic); the retry tells.
      });
    }
  }
}

interface MoveBatch {
  ids: Set<string>;
  announce: Set<string>;
  /** Settles once the batch's move (and, with announcements, hearing them back) is done. */
  sent: Promise<void>;
}

/** A SQL string literal of text made only of word characters and JSON punctuation ([", ,]). */
function literal(text: string): string {
  if (!/^[\w",[\]]*$/.test(text)) throw new Error(`unsafe literal: ${text}`);
  return `'${text}'`;
}
