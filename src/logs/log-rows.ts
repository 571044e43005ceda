/**
 * The rows a captured batch (log-batch.ts) stands for, as the stores write them: each
 * gets its id and `created` from its time, a request's message and data are built
 * from its fields, data is kept within `logs.maxDataSize`, and text
 * either store could refuse (a lone surrogate) is replaced. Runs where the batch is
 * written (SQLite's writer thread, the PostgreSQL store), not per request: nothing here
 * may import more than log-batch.ts, log-data.ts and request-url.ts.
 */
import { randomFillSync } from 'node:crypto';
import { CapturedReader, LogKind } from './log-batch.js';
import { limitDataJson, wellFormedJson } from './log-data.js';
import { cut, requestMessage } from './request-url.js';

/** A row as the stores write it: its data as JSON text. */
export interface EncodableLogRow {
  id: string;
  created: string;
  level: number;
  message: string;
  data: string;
}

/** PocketBase's cap on a log message (its data is capped by maxDataSize). */
const MAX_MESSAGE_LENGTH = 8000;

/** The batch's rows in order; maxDataSize: the `logs.maxDataSize` setting (0: 16 KiB). */
export function capturedRows(bytes: Buffer, maxDataSize: number): EncodableLogRow[] {
  const rows: EncodableLogRow[] = [];
  const read = new CapturedReader(bytes);
  while (!read.done) {
    const kind = read.byte();
    if (kind === LogKind.Request) rows.push(requestRow(read, maxDataSize));
    else if (kind === LogKind.Log) {
      const time = read.double();
      const level = read.int32();
      rows.push(row(logId(time), formatTime(time), level, read.string(), read.string(), maxDataSize));
    } else if (kind === LogKind.Row) {
      const level = read.int32();
      rows.push(row(read.string(), read.string(), level, read.string(), read.string(), maxDataSize));
    } else {
      throw new Error(`unknown log record kind ${kind}`);
    }
  }
  return rows;
}

function row(id: string, created: string, level: number, message: string, data: string, maxDataSize: number): EncodableLogRow {
  return {
    id,
    created,
    level,
    message: message.length > MAX_MESSAGE_LENGTH ? message.slice(0, MAX_MESSAGE_LENGTH) : message,
    data: wellFormedJson(limitDataJson(data, maxDataSize)),
  };
}

/**
 * PocketBase's request data, keys in its order: `{type, execTime, url, method, status,
 * referer, userAgent, auth, authId?, userIP?, remoteIP?}` (a failed request's error and
 * details come as a LogKind.Log record, built where the error is).
 */
function requestRow(read: CapturedReader, maxDataSize: number): EncodableLogRow {
  const time = read.double();
  const execTime = read.double();
  const status = read.uint16();
  const level = read.int32();
  const flags = read.byte();
  const method = read.string();
  const url = read.string(); // redacted when captured
  let json = `{"type":"request","execTime":${execTime},"url":${JSON.stringify(cut(url, 3000))},"method":${JSON.stringify(cut(method, 50))}` +
    `,"status":${status},"referer":${JSON.stringify(cut(read.string(), 2000))},"userAgent":${JSON.stringify(cut(read.string(), 2000))}` +
    `,"auth":${JSON.stringify(read.string())}`;
  if (flags & 1) json += `,"authId":${JSON.stringify(read.string())}`;
  if (flags & 2) json += `,"userIP":${JSON.stringify(read.string())},"remoteIP":${JSON.stringify(read.string())}`;
  return row(logId(time), formatTime(time), level, requestMessage(method, url), `${json}}`, maxDataSize);
}

let cachedSecond = -1;
let cachedPrefix = '';

/** `YYYY-MM-DD HH:MM:SS.sssZ` (PocketBase's form); the part up to the second is formatted once per second. */
function formatTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20).replace('T', ' ');
  }
  return `${cachedPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_CHARS = 6;
/** Random bytes drawn 4 KiB at a time (one call per ~680 ids instead of one per id). */
const randomPool = Buffer.allocUnsafeSlow(4096);
let randomAt = randomPool.length;
/** The time part of the last id (logs of one millisecond share it). */
let idTime = -1;
let idPrefix = '';

/**
 * A 15-character [a-z0-9] id (PocketBase's form): the time in milliseconds in base 36
 * (9 characters until the year 5188), then 6 random characters. Ids that grow with
 * time are appended at the end of the primary key's index instead of at random
 * places in it, which halves the cost of inserting a log (measured). The random
 * part: a byte modulo 36 (the slight bias does not matter for a log id).
 */
function logId(time: number): string {
  if (randomAt + RANDOM_CHARS > randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  if (time !== idTime) {
    idTime = time;
    idPrefix = time.toString(36).padStart(9, '0');
  }
  let id = idPrefix;
  for (let i = 0; i < RANDOM_CHARS; i++) id += ID_ALPHABET[randomPool[randomAt++]! % 36];
  return id;
}
